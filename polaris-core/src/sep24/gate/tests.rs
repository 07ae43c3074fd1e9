use super::*;

#[test]
fn credentials_are_read_from_the_query_first_and_never_from_an_unauthenticated_multipart_body() {
    let with = Params::parse("transaction_id=x&csrf_token=y");
    let without = Params::parse("transaction_id=x");
    assert_eq!(form_credentials(&with, true), Credentials::InQuery);
    assert_eq!(form_credentials(&with, false), Credentials::InQuery);
    assert_eq!(form_credentials(&without, false), Credentials::InBody);
    assert_eq!(form_credentials(&without, true), Credentials::Missing);
}

#[test]
fn the_language_falls_back_from_the_request_to_english() {
    let s = crate::testing::settings(&[]);
    assert_eq!(page_lang(&s, Some("fr"), None), "fr");
    assert_eq!(page_lang(&s, Some("xx"), None), "en");
    assert_eq!(page_lang(&s, None, None), "en");
}

#[test]
fn the_session_cookie_is_scoped_to_sep24_under_the_host_path() {
    let s = crate::testing::settings(&[]);
    let c = SessionCookie::new(&s, "v".into());
    assert_eq!(c.name, SESSION_COOKIE);
    assert_eq!(c.path, "/sep24");
    assert_eq!((c.secure, c.same_site_lax), (true, false));
    let local = crate::testing::settings(&[
        ("HOST_URL", "http://localhost:8000"),
        ("LOCAL_MODE", "true"),
    ]);
    let c = SessionCookie::new(&local, "v".into());
    assert_eq!((c.secure, c.same_site_lax), (false, true));
    let s = crate::testing::settings(&[("HOST_URL", "https://anchor.example.com/anchor/")]);
    assert_eq!(SessionCookie::new(&s, "v".into()).path, "/anchor/sep24");
}

#[test]
fn a_refusal_is_a_403_page_in_the_language_asked() {
    let s = crate::testing::settings(&[]);
    let r = refuse(&s, Some("fr"), Denied::Csrf).unwrap();
    assert_eq!(r.reason, Denied::Csrf);
    let Reply::Page { status, html } = r.reply else {
        panic!("a refusal is a page");
    };
    assert_eq!(status, 403);
    assert!(html.contains("lang=\"fr\""), "{html}");
}
