//! The two SEP-10 endpoints end to end, independent of any web framework.

use super::build::{build_challenge, ClientDomainAccount};
use super::client_domain::{split_domain, ClientDomainKeys};
use super::request_jwt::verify_request_jwt;
use super::used::UsedChallenges;
use super::verify::{read_challenge, verify_signers};
use super::{ChallengeRequest, ChallengeResponse, Sep10Error, TokenResponse};
use crate::auth::{bearer_token, Sep10Claims};
use crate::settings::Settings;
use crate::stellar::horizon::{Horizon, HorizonError};

/// Applies `SEP10_CLIENT_ATTRIBUTION_*`: the client domain to verify, if any.
///
/// A domain refused by the allow/deny lists is ignored, as the spec asks, unless
/// attribution is required, in which case the request is forbidden.
fn attribution(settings: &Settings, asked: Option<&str>) -> Result<Option<String>, Sep10Error> {
    let Some(domain) = asked else {
        if settings.sep10_client_attribution_required {
            return Err(Sep10Error::bad("'client_domain' is required"));
        }
        return Ok(None);
    };
    split_domain(domain)?;
    let denied = settings
        .sep10_client_attribution_denylist
        .iter()
        .any(|d| d == domain);
    let allowed = settings.sep10_client_attribution_allowlist.is_empty()
        || settings
            .sep10_client_attribution_allowlist
            .iter()
            .any(|d| d == domain);
    match (
        allowed && !denied,
        settings.sep10_client_attribution_required,
    ) {
        (true, _) => Ok(Some(domain.to_string())),
        (false, true) => Err(Sep10Error::Forbidden(format!(
            "client_domain {domain} is not allowed to authenticate"
        ))),
        (false, false) => Ok(None),
    }
}

/// `GET /auth`: validates the request and returns a signed challenge built at `now`.
///
/// `authorization` is the request's `Authorization` header, verified when present
/// (SEP-10 3.4). `keys` fetches the client domain's `SIGNING_KEY`
/// (use [`super::TomlFetcher`]).
pub async fn challenge(
    settings: &Settings,
    keys: &dyn ClientDomainKeys,
    request: &ChallengeRequest,
    authorization: Option<&str>,
    now: u64,
) -> Result<ChallengeResponse, Sep10Error> {
    let params = request.validate(settings)?;
    let client_domain: Option<ClientDomainAccount> =
        match attribution(settings, params.client_domain.as_deref())? {
            Some(domain) => {
                let key = keys.signing_key(&domain).await?;
                Some((domain, key))
            }
            None => None,
        };
    if let Some(header) = authorization {
        let token = bearer_token(Some(header)).map_err(|_| {
            Sep10Error::bad("invalid Authorization header: expected 'Bearer <JWT>'")
        })?;
        let signer = client_domain
            .as_ref()
            .map_or(*params.address.key(), |(_, k)| *k);
        verify_request_jwt(settings, token, request, &signer)?;
    }
    build_challenge(settings, &params, client_domain.as_ref(), now)
}

/// `POST /auth`: verifies a signed challenge at `now` and exchanges it for a session JWT.
///
/// The client account is loaded from `horizon`; the challenge is marked used in `used`
/// only after every check passed, so a refused request stores nothing.
pub async fn token(
    settings: &Settings,
    horizon: &dyn Horizon,
    used: &dyn UsedChallenges,
    transaction: &str,
    now: u64,
) -> Result<TokenResponse, Sep10Error> {
    let challenge = read_challenge(settings, transaction, now)?;
    let account = match horizon.load_account(&challenge.address.account_id()).await {
        Ok(account) => account,
        Err(HorizonError::NotFound) => None,
        Err(e) => {
            return Err(Sep10Error::Unavailable(format!(
                "cannot load the account from Horizon: {e}"
            )))
        }
    };
    verify_signers(
        &challenge,
        account.as_ref(),
        &settings.signing_key.public_key_bytes(),
    )?;
    let hash = challenge.hash_hex();
    let first_use = used
        .mark_used(&hash, challenge.max_time)
        .await
        .map_err(|e| Sep10Error::Unavailable(format!("cannot record the challenge: {e}")))?;
    if !first_use {
        return Err(Sep10Error::bad(
            "this challenge has already been used; request a new one",
        ));
    }
    let elapsed = u64::try_from(chrono::Utc::now().timestamp())
        .unwrap_or_default()
        .saturating_sub(now);
    if elapsed > super::used::MAX_VALIDATION_SECONDS {
        return Err(Sep10Error::Unavailable(
            "verifying the challenge took too long; request a new one".into(),
        ));
    }
    let client_domain = challenge.client_domain.as_ref().map(|(d, _)| d.clone());
    let claims = Sep10Claims::new(
        settings,
        &challenge.subject(),
        challenge.min_time,
        hash,
        client_domain,
    );
    let token = claims
        .encode(&settings.jwt_key)
        .map_err(|e| Sep10Error::Internal(e.to_string()))?;
    Ok(TokenResponse { token })
}
