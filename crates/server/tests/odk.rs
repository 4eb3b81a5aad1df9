//! ODK Collect's conversation with the server, as Collect has it: the form list and
//! the form behind an HTTP Digest challenge, the HEAD before a submission, a
//! multipart submission with an attachment, the same instance sent again (stored
//! once), an edited resubmission (one report, two versions), and bad input answered
//! with OpenRosa messages that say what and where; on both backends.

mod common;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::{password, TestApp};
use serde_json::Value;
use vigil_store::accounts::Role;
use vigil_store::odk::md5_hex;

/// A minimal ODK Collect: answers the digest challenge (MD5, qop=auth) and then
/// sends credentials with each request, counting nc up, as Collect's HTTP client does.
pub struct Collect<'a> {
    pub t: &'a TestApp,
    pub user: String,
    pub password: String,
    nonce: Option<(String, String)>, // (nonce, opaque)
    nc: u32,
    pub challenges: usize,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

fn param(h: &str, key: &str) -> Option<String> {
    let i = h.find(&format!("{key}="))? + key.len() + 1;
    let rest = &h[i..];
    if let Some(q) = rest.strip_prefix('"') {
        Some(q[..q.find('"')?].to_string())
    } else {
        Some(rest.split(',').next()?.trim().to_string())
    }
}

impl<'a> Collect<'a> {
    pub fn new(t: &'a TestApp, user: &str, password: &str) -> Self {
        Collect {
            t,
            user: user.into(),
            password: password.into(),
            nonce: None,
            nc: 0,
            challenges: 0,
        }
    }

    fn authorization(&mut self, method: &Method, uri: &str) -> Option<String> {
        let (nonce, opaque) = self.nonce.clone()?;
        self.nc += 1;
        let nc = format!("{:08x}", self.nc);
        let cnonce = format!("c{}", self.nc);
        let ha1 = md5_hex(format!("{}:Vigil:{}", self.user, self.password).as_bytes());
        let ha2 = md5_hex(format!("{method}:{uri}").as_bytes());
        let response = md5_hex(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}").as_bytes());
        Some(format!(
            r#"Digest username="{}", realm="Vigil", nonce="{nonce}", uri="{uri}", response="{response}", qop=auth, nc={nc}, cnonce="{cnonce}", algorithm=MD5, opaque="{opaque}""#,
            self.user
        ))
    }

    async fn once(
        &mut self,
        method: &Method,
        uri: &str,
        ct: Option<&str>,
        body: &[u8],
        openrosa: bool,
    ) -> Answer {
        let mut b = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(header::HOST, "vigil.test");
        if openrosa {
            b = b.header("X-OpenRosa-Version", "1.0");
        }
        if let Some(a) = self.authorization(method, uri) {
            b = b.header(header::AUTHORIZATION, a);
        }
        if let Some(ct) = ct {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        let req = b
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body.to_vec()))
            .unwrap();
        let res = tower::ServiceExt::oneshot(self.t.app.clone(), req)
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 26)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A request as Collect makes it: on 401 with a challenge, answer it and retry once.
    pub async fn request(
        &mut self,
        method: Method,
        uri: &str,
        ct: Option<&str>,
        body: &[u8],
    ) -> Answer {
        let a = self.once(&method, uri, ct, body, true).await;
        if a.status != StatusCode::UNAUTHORIZED {
            return a;
        }
        let h = a
            .headers
            .get(header::WWW_AUTHENTICATE)
            .expect("401 carries a challenge")
            .to_str()
            .unwrap()
            .to_string();
        assert!(h.starts_with("Digest "), "{h}");
        assert_eq!(param(&h, "realm").as_deref(), Some("Vigil"));
        assert_eq!(param(&h, "qop").as_deref(), Some("auth"));
        self.challenges += 1;
        self.nonce = Some((
            param(&h, "nonce").unwrap(),
            param(&h, "opaque").unwrap_or_default(),
        ));
        self.nc = 0;
        self.once(&method, uri, ct, body, true).await
    }

    /// HEAD /submission then POST it, as Collect sends a filled form.
    pub async fn submit(&mut self, xml: &str, files: &[(&str, &str, &[u8])]) -> Answer {
        let head = self.request(Method::HEAD, "/submission", None, b"").await;
        assert_eq!(head.status, StatusCode::NO_CONTENT, "{}", head.body);
        let (ct, body) = multipart(xml, files);
        self.request(Method::POST, "/submission", Some(&ct), &body)
            .await
    }
}

/// A multipart body as Collect builds it: `xml_submission_file`, then each file in a
/// part named after the file.
pub fn multipart(xml: &str, files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----odk-test-boundary-7d1";
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; filename=\"submission.xml\"\r\n\
             Content-Type: text/xml\r\n\r\n{xml}\r\n"
        )
        .as_bytes(),
    );
    for (name, ct, bytes) in files {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n")
                .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

/// A filled report form.
pub fn instance(
    id: &str,
    deprecated: Option<&str>,
    description: &str,
    photo: Option<&str>,
) -> String {
    format!(
        r#"<?xml version='1.0' ?><data id="vigil_report" version="{}" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"><category>attack_on_civilians</category><place_name>Ménaka</place_name><location>15.9182 2.4022 0 5</location><occurred_date>2024-03-02</occurred_date><occurred_time>06:30:00.000+00:00</occurred_time><people_affected>3</people_affected><description>{description}</description><reliability>B</reliability><credibility>2</credibility><restricted><victims>Fatoumata T., 34</victims><witnesses/><contacts/></restricted><photo>{}</photo><audio/><meta><instanceID>{id}</instanceID><instanceName>x</instanceName><deprecatedID>{}</deprecatedID></meta></data>"#,
        vigil_ingest::xform::version(),
        photo.unwrap_or(""),
        deprecated.unwrap_or("")
    )
}

const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00synthetic test image\xff\xd9";

async fn odk_reports(t: &TestApp) -> Vec<Value> {
    let (s, v) = t
        .as_role(Role::Analyst, Method::GET, "/api/reports?limit=5000", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["channel"] == "odk")
        .cloned()
        .collect()
}

both_backends!(form_list_and_form_behind_a_digest_challenge, |db| {
    let t = TestApp::new(&db.store, false).await;
    let mut c = Collect::new(&t, "reporter", &password(Role::Reporter));
    let list = c.request(Method::GET, "/formList", None, b"").await;
    assert_eq!(c.challenges, 1, "the first request is challenged");
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.headers["x-openrosa-version"], "1.0");
    assert!(list.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/xml"));
    assert!(
        list.body
            .contains(r#"<xforms xmlns="http://openrosa.org/xforms/xformsList">"#),
        "{}",
        list.body
    );
    assert!(list.body.contains("<formID>vigil_report</formID>"));
    assert!(
        list.body
            .contains("<downloadUrl>http://vigil.test/forms/vigil_report.xml</downloadUrl>"),
        "{}",
        list.body
    );
    let form = c
        .request(Method::GET, "/forms/vigil_report.xml", None, b"")
        .await;
    assert_eq!(c.challenges, 1, "the nonce is reused with the next nc");
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        list.body.contains(&format!(
            "<hash>md5:{}</hash>",
            md5_hex(form.body.as_bytes())
        )),
        "hash of the served form"
    );
    assert_eq!(
        form.body,
        vigil_ingest::xform::xform(),
        "the form served is the generated one"
    );
    assert!(form.body.contains("<translation lang=\"French (fr)\">"));
    assert!(form.body.contains("Violence contre des civils"));

    // the same nc again is a replay: challenged again, stale
    c.nc -= 1;
    let replay = c.once(&Method::GET, "/formList", None, b"", true).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert!(replay.headers[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .contains("stale=true"));

    // wrong password, unknown user: 401 with a fresh challenge and an OpenRosa message
    let mut wrong = Collect::new(&t, "reporter", "not-the-password");
    let a = wrong.request(Method::GET, "/formList", None, b"").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.body.contains("<OpenRosaResponse"), "{}", a.body);
    assert!(a.body.contains("wrong password"), "{}", a.body);
    assert!(a.headers.contains_key(header::WWW_AUTHENTICATE));
});

both_backends!(only_roles_that_submit_reports_may_use_odk, |db| {
    let t = TestApp::new(&db.store, false).await;
    for role in Role::ALL {
        let mut c = Collect::new(&t, role.as_str(), &password(role));
        let a = c.request(Method::HEAD, "/submission", None, b"").await;
        let may = vigil_model::vocab::access::SUBMIT_REPORT.contains(&role.as_str());
        if may {
            assert_eq!(a.status, StatusCode::NO_CONTENT, "{role}: {}", a.body);
            assert_eq!(
                a.headers["x-openrosa-accept-content-length"],
                (20 * 1024 * 1024).to_string()
            );
        } else {
            // no digest credential is stored for a role that may not submit
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{role}");
        }
    }
    // an account whose role no longer submits keeps its credential but is refused
    db.store.add_user("test", "was_reporter", Role::Reporter, "pw-was-reporter").await.unwrap();
    db.store
        .change_account("test", "was_reporter", vigil_store::account_admin::AccountChange::Role(Role::Responder))
        .await
        .unwrap();
    let mut c = Collect::new(&t, "was_reporter", "pw-was-reporter");
    let a = c.request(Method::HEAD, "/submission", None, b"").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = c.request(Method::GET, "/formList", None, b"").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.body.contains("role responder may not submit reports"), "{}", a.body);
    // a password reset gives a credential for the new password only
    db.store.add_user("test", "reset_me", Role::Reporter, "old-password").await.unwrap();
    db.store
        .change_account("test", "reset_me", vigil_store::account_admin::AccountChange::Password("new-password".into()))
        .await
        .unwrap();
    let a = Collect::new(&t, "reset_me", "old-password").request(Method::HEAD, "/submission", None, b"").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = Collect::new(&t, "reset_me", "new-password").request(Method::HEAD, "/submission", None, b"").await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
});

both_backends!(a_submission_with_a_photo_becomes_an_odk_report, |db| {
    let t = TestApp::new(&db.store, false).await;
    let mut c = Collect::new(&t, "reporter", &password(Role::Reporter));
    let xml = instance(
        "uuid:a1",
        None,
        "Hommes armés au marché",
        Some("1712345.jpg"),
    );
    let a = c.submit(&xml, &[("1712345.jpg", "image/jpeg", JPEG)]).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.headers["x-openrosa-version"], "1.0");
    assert!(
        a.body
            .contains(r#"<message nature="submit_success">Report "#),
        "{}",
        a.body
    );
    let reports = odk_reports(&t).await;
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!(r["status"], "new");
    assert_eq!(r["category"], "attack_on_civilians");
    assert_eq!(r["place_name"], "Ménaka");
    assert_eq!(r["latitude"], 15.9182);
    assert_eq!(r["occurred_at"], "2024-03-02T06:30:00+00:00");
    assert_eq!(r["reporter"], "reporter");
    assert_eq!(r["attachments"][0]["filename"], "1712345.jpg");
    assert_eq!(r["attachments"][0]["content_type"], "image/jpeg");
    assert_eq!(r["attachments"][0]["size"], JPEG.len());
    assert!(
        r.get("restricted").is_none(),
        "analysts do not see the victims"
    );
    let id = r["id"].as_i64().unwrap();
    let (s, hr) = t
        .as_role(
            Role::HrOfficer,
            Method::GET,
            &format!("/api/reports/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(hr["restricted"]["victims"], "Fatoumata T., 34");
    let att = r["attachments"][0]["id"].as_i64().unwrap();
    let (s, _, _) = t
        .call(
            Method::GET,
            &format!("/api/reports/{id}/attachments/{att}"),
            Some(t.token(Role::Analyst)),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
});

both_backends!(the_same_instance_sent_twice_is_stored_once, |db| {
    let t = TestApp::new(&db.store, false).await;
    let mut c = Collect::new(&t, "reporter", &password(Role::Reporter));
    let xml = instance("uuid:b2", None, "Enlèvement signalé", Some("p.jpg"));
    let first = c.submit(&xml, &[("p.jpg", "image/jpeg", JPEG)]).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    // the answer was lost: Collect sends the same form again
    let again = c.submit(&xml, &[("p.jpg", "image/jpeg", JPEG)]).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert!(again.body.contains("already received"), "{}", again.body);
    let reports = odk_reports(&t).await;
    assert_eq!(reports.len(), 1, "stored once");
    assert_eq!(reports[0]["attachments"].as_array().unwrap().len(), 1);
    // the same instanceID with other content is refused, not stored
    let other = instance("uuid:b2", None, "Autre chose", Some("p.jpg"));
    let c409 = c.submit(&other, &[("p.jpg", "image/jpeg", JPEG)]).await;
    assert_eq!(c409.status, StatusCode::CONFLICT);
    assert!(c409.body.contains("/data/meta/instanceID"), "{}", c409.body);
    assert_eq!(odk_reports(&t).await.len(), 1);
    // another reporter's instance with the same id is theirs
    let mut other_user = Collect::new(&t, "analyst", &password(Role::Analyst));
    let a = other_user
        .submit(&xml, &[("p.jpg", "image/jpeg", JPEG)])
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(odk_reports(&t).await.len(), 2);
});

both_backends!(
    an_edited_resubmission_is_a_new_version_of_the_same_report,
    |db| {
        let t = TestApp::new(&db.store, false).await;
        let mut c = Collect::new(&t, "reporter", &password(Role::Reporter));
        let v1 = instance("uuid:c1", None, "Tirs entendus", None);
        assert_eq!(c.submit(&v1, &[]).await.status, StatusCode::CREATED);
        let id = odk_reports(&t).await[0]["id"].as_i64().unwrap();
        let v2 = instance(
            "uuid:c2",
            Some("uuid:c1"),
            "Tirs entendus, deux blessés",
            Some("w.jpg"),
        );
        let a = c.submit(&v2, &[("w.jpg", "image/jpeg", JPEG)]).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        assert!(
            a.body.contains(&format!("Report {id} updated (version 2)")),
            "{}",
            a.body
        );
        // one report, showing the latest version in the triage queue
        let (s, queue) = t
            .as_role(Role::Analyst, Method::GET, "/api/reports?status=new", None)
            .await;
        assert_eq!(s, StatusCode::OK);
        let odk: Vec<&Value> = queue
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["channel"] == "odk")
            .collect();
        assert_eq!(odk.len(), 1);
        assert_eq!(odk[0]["id"], id);
        assert_eq!(odk[0]["description"], "Tirs entendus, deux blessés");
        assert_eq!(odk[0]["attachments"].as_array().unwrap().len(), 1);
        // both versions kept
        let versions = db.store.report_versions(id).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(versions[0].instance_id, "uuid:c1");
        assert_eq!(versions[0].fields["description"], "Tirs entendus");
        assert_eq!(versions[1].deprecated_id.as_deref(), Some("uuid:c1"));
        assert_eq!(
            versions[1].fields["description"],
            "Tirs entendus, deux blessés"
        );
        // the edit resent, and the original resent: acknowledged, nothing new
        assert_eq!(
            c.submit(&v2, &[("w.jpg", "image/jpeg", JPEG)]).await.status,
            StatusCode::CREATED
        );
        assert_eq!(c.submit(&v1, &[]).await.status, StatusCode::CREATED);
        // an edit of the edit: version 3
        let v3 = instance(
            "uuid:c3",
            Some("uuid:c2"),
            "Tirs, deux blessés, un mort",
            Some("w.jpg"),
        );
        let a = c.submit(&v3, &[("w.jpg", "image/jpeg", JPEG)]).await;
        assert!(a.body.contains("version 3"), "{}", a.body);
        assert_eq!(odk_reports(&t).await.len(), 1);
        assert_eq!(db.store.report_versions(id).await.unwrap().len(), 3);
        let r = db.store.report(id, false).await.unwrap().unwrap();
        assert_eq!(
            r.attachments.len(),
            1,
            "the photo sent again with the edit is kept once"
        );
        // audited as a new version
        let n: i64 = vigil_store::on_pool!(db.store, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'new_version' AND entity = $1")
                .bind(format!("report/{id}"))
                .fetch_one(p)
                .await
                .unwrap()
        });
        assert_eq!(n, 2);
        assert!(
            db.store.verify_audit(&[]).await.unwrap().ok(),
            "audit chain intact"
        );
    }
);

both_backends!(bad_submissions_say_what_and_where, |db| {
    let t = TestApp::new(&db.store, false).await;
    let mut c = Collect::new(&t, "reporter", &password(Role::Reporter));
    let good = instance("uuid:d1", None, "x", None);
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            good.replace("</category>", "</categry>"),
            StatusCode::BAD_REQUEST,
            "line 1, column",
        ),
        (
            good.replace(">attack_on_civilians<", ">bombing<"),
            StatusCode::BAD_REQUEST,
            "/data/category: `bombing` is not one of",
        ),
        (
            good.replace("<people_affected>3<", "<people_affected>trois<"),
            StatusCode::BAD_REQUEST,
            "/data/people_affected: `trois` is not a whole number",
        ),
        (
            good.replace("<description>x</description>", "<description/>"),
            StatusCode::BAD_REQUEST,
            "/data/description: is required",
        ),
        (
            good.replace(r#"id="vigil_report""#, r#"id="other_form""#),
            StatusCode::BAD_REQUEST,
            "/data/@id: unknown form `other_form`",
        ),
        (
            good.replace("<photo></photo>", "<photo>missing.jpg</photo>"),
            StatusCode::BAD_REQUEST,
            "/data/photo: names the file `missing.jpg`, which was not sent",
        ),
    ];
    for (xml, status, says) in cases {
        let a = c.submit(&xml, &[]).await;
        assert_eq!(a.status, status, "{says}: {}", a.body);
        assert!(a.body.contains("<OpenRosaResponse"), "{}", a.body);
        assert!(a.body.contains(says), "expected `{says}` in {}", a.body);
    }
    // an audio file in the photo field
    let xml = instance("uuid:d2", None, "x", Some("a.m4a"));
    let a = c.submit(&xml, &[("a.m4a", "audio/mp4", b"....")]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body
            .contains("part a.m4a: is audio/mp4; /data/photo takes image/*"),
        "{}",
        a.body
    );
    // no xml part; not multipart; no OpenRosa header; too large
    let (ct, body) = multipart("", &[]);
    let body = String::from_utf8(body)
        .unwrap()
        .replace("xml_submission_file", "other");
    let a = c
        .request(Method::POST, "/submission", Some(&ct), body.as_bytes())
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body.contains("the xml_submission_file part is missing"),
        "{}",
        a.body
    );
    let a = c
        .request(
            Method::POST,
            "/submission",
            Some("text/xml"),
            good.as_bytes(),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("is not multipart/form-data"), "{}", a.body);
    let (ct, body) = multipart(&good, &[]);
    let a = c
        .once(&Method::POST, "/submission", Some(&ct), &body, false)
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("X-OpenRosa-Version"), "{}", a.body);
    let big = vec![b'x'; 21 * 1024 * 1024];
    let a = c
        .request(Method::POST, "/submission", Some(&ct), &big)
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(a.body.contains("larger than 20 MB"), "{}", a.body);
    assert_eq!(odk_reports(&t).await.len(), 0, "nothing stored");
});

/// The OpenRosa routes are in the OpenAPI document, with the digest scheme.
#[tokio::test]
async fn openapi_lists_the_openrosa_routes() {
    let db = common::sqlite().await;
    let t = TestApp::new(&db.store, false).await;
    let (s, doc, _) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["paths"]["/formList"]["get"].is_object());
    assert!(doc["paths"][vigil_server::odk_api::FORM_PATH]["get"].is_object());
    assert!(doc["paths"]["/submission"]["head"]["responses"]["204"].is_object());
    assert!(doc["paths"]["/submission"]["post"]["responses"]["413"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["odkDigest"]["scheme"], "digest");
}
