"""Checks the SEP answers the wallet suites receive against the JSON Schemas in schemas/.

The same schemas and the same route table (schemas/routes.json) as the Rust HTTP tests
(polaris-actix/tests/schema/mod.rs): every response to a SEP route is validated against the
schema of its endpoint, method and status, and a body that drifts from the SEP text fails the test.
"""

import json
import pathlib
import re
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

DIR = pathlib.Path(__file__).resolve().parents[2] / "schemas"
BASE = "https://polaris-rs.invalid/schemas/"
ROUTES = json.loads((DIR / "routes.json").read_text())


def _registry():
    resources = []
    for path in sorted(DIR.rglob("*.json")):
        if path.name == "routes.json":
            continue
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def errors(name, body):
    """Every way `body` breaks schema `name` (a path under schemas/, optionally #fragment)."""
    validator = Draft202012Validator(
        {"$ref": BASE + name}, registry=REGISTRY, format_checker=FormatChecker()
    )
    return [
        f"at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(body)
    ]


def assert_valid(name, body):
    found = errors(name, body)
    assert not found, f"the body breaks schemas/{name}:\n  " + "\n  ".join(found) + f"\nbody: {body}"


def _patterns():
    keys = list(ROUTES["success"]) + list(ROUTES["empty_success"])
    routes = {k.split(" ", 1)[1] for k in keys} | set(ROUTES["no_json"])
    return [(r, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", r) + "$")) for r in routes]


PATTERNS = _patterns()


def route_of(path):
    """The route pattern (e.g. /sep6/transactions/{id}) of a request path, else the path."""
    exact = [r for r, rx in PATTERNS if r == path]
    matched = exact or [r for r, rx in PATTERNS if rx.match(path)]
    return matched[0] if matched else path


def schema_for(method, path, status):
    """The schema of an answer, or None when it carries no JSON or is not a SEP route."""
    route = route_of(path)
    prefix = next((p for p in ROUTES["prefixes"] if route.startswith(p)), None)
    if prefix is None or route in ROUTES["no_json"]:
        return None
    key = f"{method} {route}"
    if 200 <= status < 300:
        if key in ROUTES["empty_success"]:
            return None
        assert key in ROUTES["success"], f"no schema for {key} in schemas/routes.json"
        return ROUTES["success"][key]
    return ROUTES["errors"].get(f"{status} {key}", ROUTES["error_by_prefix"][prefix])


def check(response):
    """Validates a `requests` response against the schema of the SEP endpoint that answered."""
    path = urlsplit(response.url).path
    name = schema_for(response.request.method, path, response.status_code)
    if name is None:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    found = errors(name, body)
    assert not found, (
        f"{response.request.method} {path} answered {response.status_code} with a body that "
        f"breaks schemas/{name}:\n  " + "\n  ".join(found) + f"\nbody: {body}"
    )
