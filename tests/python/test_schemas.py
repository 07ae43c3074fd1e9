"""The Python schema checks bite: a broken field fails, routes find their schema."""

import schemas


def test_a_string_amount_in_sep24_info_is_caught():
    info = {"deposit": {"SRT": {"enabled": True, "min_amount": 1}}, "withdraw": {}}
    assert schemas.errors("sep24/info.json", info) == []
    info["deposit"]["SRT"]["min_amount"] = "1"
    assert schemas.errors("sep24/info.json", info) == [
        "at /deposit/SRT/min_amount: '1' is not of type 'number'"
    ]


def test_routes_find_their_schema():
    assert schemas.schema_for("GET", "/sep6/deposit", 200) == "sep6/deposit.json#/$defs/success"
    assert schemas.schema_for("GET", "/sep6/deposit", 403) == "sep6/deposit.json"
    assert schemas.schema_for("PATCH", "/sep6/transactions/abc", 200) == "sep6/transaction.json"
    assert schemas.schema_for("DELETE", "/kyc/customer/GABC", 200) is None
    assert schemas.schema_for("DELETE", "/kyc/customer/GABC", 404) == "common/error.json"
    assert schemas.schema_for("GET", "/sep24/transactions/deposit/webapp", 200) is None
    assert schemas.schema_for("GET", "/friendbot", 200) is None
