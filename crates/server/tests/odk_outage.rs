//! The ODK half of issue 19's outage simulation: a simulated ODK Collect client
//! fills forms while the server cannot be reached (every send fails to connect, so
//! each form waits in the client's queue), then the server comes up and the client
//! sends its queue over real HTTP (TCP, HTTP Digest, HEAD then multipart POST). Some
//! answers are lost on the way back (the client drops them after the server stored
//! the form), so those forms are sent again. Every form must be stored exactly once.
//!
//! `cargo run -p vigil-server --example odk_outage` runs it with 1,000 forms and prints
//! the figures; the test below runs it with fewer forms on both backends.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vigil_store::accounts::Role;
use vigil_store::odk::md5_hex;
use vigil_store::Store;

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub forms: usize,
    pub failed_connects_during_outage: usize,
    pub posts_sent: usize,
    pub answers_lost: usize,
    pub created_first_time: usize,
    pub acknowledged_again: usize,
    pub digest_challenges: usize,
    pub reports_stored: i64,
    pub distinct_instances_stored: i64,
    pub seconds_to_drain: f64,
}

struct Answer {
    status: u16,
    www_authenticate: Option<String>,
    body: String,
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`).
async fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> std::io::Result<Answer> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await?;
    s.write_all(body).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let www_authenticate = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("www-authenticate:"))
        .map(|l| l.split_once(':').unwrap().1.trim().to_string());
    Ok(Answer { status, www_authenticate, body: rest.to_string() })
}

fn param(h: &str, key: &str) -> Option<String> {
    let i = h.find(&format!("{key}="))? + key.len() + 1;
    let q = h[i..].strip_prefix('"')?;
    Some(q[..q.find('"')?].to_string())
}

/// A simulated ODK Collect: a queue of filled forms and a digest session.
struct Client {
    user: String,
    password: String,
    nonce: Option<(String, String)>,
    nc: u32,
    challenges: usize,
}

impl Client {
    fn auth(&mut self, method: &str, uri: &str) -> Vec<(String, String)> {
        let Some((nonce, opaque)) = self.nonce.clone() else { return vec![] };
        self.nc += 1;
        let nc = format!("{:08x}", self.nc);
        let cnonce = format!("sim{}", self.nc);
        let ha1 = md5_hex(format!("{}:Vigil:{}", self.user, self.password).as_bytes());
        let ha2 = md5_hex(format!("{method}:{uri}").as_bytes());
        let response = md5_hex(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}").as_bytes());
        vec![(
            "Authorization".into(),
            format!(
                r#"Digest username="{}", realm="Vigil", nonce="{nonce}", uri="{uri}", response="{response}", qop=auth, nc={nc}, cnonce="{cnonce}", algorithm=MD5, opaque="{opaque}""#,
                self.user
            ),
        )]
    }

    /// A request with digest credentials; on a challenge, answer it and retry once.
    async fn request(&mut self, addr: SocketAddr, method: &str, uri: &str, extra: &[(String, String)], body: &[u8]) -> std::io::Result<Answer> {
        for _ in 0..2 {
            let mut h = self.auth(method, uri);
            h.push(("X-OpenRosa-Version".into(), "1.0".into()));
            h.extend(extra.iter().cloned());
            let a = http(addr, method, uri, &h, body).await?;
            if a.status == 401 {
                if let Some(c) = &a.www_authenticate {
                    self.challenges += 1;
                    self.nonce = Some((param(c, "nonce").unwrap_or_default(), param(c, "opaque").unwrap_or_default()));
                    self.nc = 0;
                    continue;
                }
            }
            return Ok(a);
        }
        Ok(Answer { status: 401, www_authenticate: None, body: "challenged twice".into() })
    }
}

/// Filled form number `i` (synthetic: the description says so).
fn form(i: usize) -> String {
    format!(
        r#"<?xml version='1.0' ?><data id="vigil_report" version="{}"><category>threat</category><place_name>Ménaka</place_name><location>15.9 2.4 0 10</location><occurred_date>2024-03-02</occurred_date><occurred_time/><people_affected>{}</people_affected><description>SYNTHETIC outage simulation form {i}</description><reliability>C</reliability><credibility>3</credibility><restricted><victims/><witnesses/><contacts/></restricted><photo/><audio/><meta><instanceID>uuid:00000000-0000-4000-8000-{i:012}</instanceID><deprecatedID/></meta></data>"#,
        vigil_ingest::xform::version(),
        i % 50
    )
}

fn multipart(xml: &str) -> (String, Vec<u8>) {
    let b = "----outage-sim";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n{xml}\r\n--{b}--\r\n"
    );
    (format!("multipart/form-data; boundary={b}"), body.into_bytes())
}

/// Run the simulation: `n` forms, every `lose_every`-th answer lost once.
pub async fn simulate(store: Store, n: usize, lose_every: usize) -> Figures {
    let mut f = Figures { forms: n, ..Figures::default() };
    store.add_user("sim", "collect_sim", Role::Reporter, "collect-sim-password").await.unwrap();
    // the address the server will come up on; nothing listens there yet
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let mut client = Client { user: "collect_sim".into(), password: "collect-sim-password".into(), nonce: None, nc: 0, challenges: 0 };
    let mut queue: VecDeque<usize> = VecDeque::new();
    // the outage: each form is filled and tried once, and waits
    for i in 0..n {
        match client.request(addr, "HEAD", "/submission", &[], b"").await {
            Err(_) => f.failed_connects_during_outage += 1,
            Ok(a) => panic!("the server answered during the outage: {}", a.status),
        }
        queue.push_back(i);
    }
    // the link comes back
    let state = vigil_server::AppState::new(store.clone(), vigil_server::ServerConfig::default()).await.unwrap();
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let app = vigil_server::app(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let start = Instant::now();
    let mut lost_once = std::collections::HashSet::new();
    while let Some(i) = queue.pop_front() {
        let head = client.request(addr, "HEAD", "/submission", &[], b"").await.unwrap();
        assert_eq!(head.status, 204, "HEAD: {}", head.body);
        let (ct, body) = multipart(&form(i));
        let a = client.request(addr, "POST", "/submission", &[("Content-Type".into(), ct)], &body).await.unwrap();
        f.posts_sent += 1;
        assert_eq!(a.status, 201, "form {i}: {}", a.body);
        if a.body.contains("already received") {
            f.acknowledged_again += 1;
        } else {
            f.created_first_time += 1;
        }
        if lose_every > 0 && i % lose_every == 0 && lost_once.insert(i) {
            // the answer never reached the phone: the form stays queued, sent again later
            f.answers_lost += 1;
            queue.push_back(i);
        }
        if start.elapsed() > Duration::from_secs(600) {
            panic!("draining took over 10 minutes");
        }
    }
    f.seconds_to_drain = start.elapsed().as_secs_f64();
    f.digest_challenges = client.challenges;
    server.abort();
    let (stored, distinct): (i64, i64) = vigil_store::on_pool!(store, p => {
        sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT client_id) FROM reports r JOIN users u ON u.id = r.reporter_id \
             WHERE u.name = 'collect_sim' AND r.channel = 'odk'",
        )
        .fetch_one(p)
        .await
        .unwrap()
    });
    f.reports_stored = stored;
    f.distinct_instances_stored = distinct;
    f
}

/// Print the figures as the note quotes them.
pub fn print_figures(f: &Figures) {
    println!("forms filled while the server was unreachable: {}", f.forms);
    println!("connection attempts refused during the outage: {}", f.failed_connects_during_outage);
    println!("POST /submission sent after the link came back: {}", f.posts_sent);
    println!("answers lost (form sent again):                 {}", f.answers_lost);
    println!("201 stored now:                                  {}", f.created_first_time);
    println!("201 acknowledged again (already stored):         {}", f.acknowledged_again);
    println!("digest challenges answered:                      {}", f.digest_challenges);
    println!("reports stored (channel odk):                    {}", f.reports_stored);
    println!("distinct instanceIDs stored:                     {}", f.distinct_instances_stored);
    println!("lost: {}   doubled: {}", f.forms as i64 - f.distinct_instances_stored, f.reports_stored - f.distinct_instances_stored);
    println!("time to drain the queue: {:.2} s ({:.0} forms/s)", f.seconds_to_drain, f.posts_sent as f64 / f.seconds_to_drain);
}

vigil_testkit::both_backends!(queued_forms_all_arrive_once_after_an_outage, |db| {
    let f = simulate(db.store.clone(), 120, 7).await;
    print_figures(&f);
    assert_eq!(f.failed_connects_during_outage, 120);
    assert_eq!(f.answers_lost, 18);
    assert_eq!(f.posts_sent, 138);
    assert_eq!(f.created_first_time, 120);
    assert_eq!(f.acknowledged_again, 18);
    assert_eq!(f.reports_stored, 120, "none lost, none doubled");
    assert_eq!(f.distinct_instances_stored, 120);
});
