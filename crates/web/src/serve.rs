//! `reckon serve`: the pages over HTTP/1.1, read-only, GET and HEAD only.
//!
//! hyper reads each request head into a bounded buffer ([`MAX_HEAD`]) with a time limit, so a
//! client cannot make the server hold more than that for it; a body is never read. Every page
//! is made from a fresh snapshot of the log, so an append between two requests is seen by the
//! second. The subjects page, a whole-log fold, is kept for as long as the log's committed
//! head and entries file stamp stay the same.

use crate::WebError;
use crate::html::{CONTENT_POLICY, Depth, FILTER_JS, STYLE, subject_of_file};
use crate::read;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use reckon_ledger::{Head, Log, Stamp};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The largest request head read (request line and headers together).
pub const MAX_HEAD: usize = 16 * 1024;
/// The longest question the query page takes, in bytes once decoded.
pub const MAX_QUESTION: usize = 4096;
/// How long a client has to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How many pages are made at once; further requests wait their turn (a page may read the
/// whole log, so a burst of requests must not become a burst of whole reads in memory).
const MAKERS: usize = 2;

/// Where and how to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address to listen on (loopback unless the user asked for another).
    pub addr: SocketAddr,
    /// A checkpoint's text: entry pages offer inclusion proofs against it.
    pub checkpoint: Option<String>,
}

/// The figures page and the log state it was made from (committed head, entries-file stamp).
type Cached = ((Head, Stamp), Arc<String>);

struct Shared {
    log: Log,
    checkpoint: Option<String>,
    subjects: Mutex<Option<Cached>>,
    makers: tokio::sync::Semaphore,
}

/// Serves `log` until the process ends. `ready` is told the address bound (the port chosen
/// when 0 was asked for) once requests are accepted.
pub fn serve(
    log: Log,
    opts: &ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), WebError> {
    // The log must be readable before anything is promised.
    log.snapshot()?.committed()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(WebError::Serve)?;
    let shared = Arc::new(Shared {
        log,
        checkpoint: opts.checkpoint.clone(),
        subjects: Mutex::new(None),
        makers: tokio::sync::Semaphore::new(MAKERS),
    });
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(|e| WebError::Bind(opts.addr, e))?;
        let bound = listener.local_addr().map_err(WebError::Serve)?;
        ready(bound);
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(s) => s,
                // A connection that failed before it was accepted affects no one else.
                Err(_) => continue,
            };
            let shared = Arc::clone(&shared);
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let service = hyper::service::service_fn(move |req| {
                    let shared = Arc::clone(&shared);
                    async move { Ok::<_, std::convert::Infallible>(respond(shared, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .max_buf_size(MAX_HEAD)
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEAD_TIMEOUT)
                    .serve_connection(io, service)
                    .await;
            });
        }
    })
}

/// What a request is for.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Subjects,
    Subject(String),
    Entry(u64),
    Proof(u64),
    Query(String),
    Style,
    Script,
    NotFound(String),
    BadRequest(String),
}

fn route(path: &str, query: Option<&str>) -> Route {
    let path = path.strip_prefix('/').unwrap_or(path);
    match path {
        "" | "index.html" => return Route::Subjects,
        "style.css" => return Route::Style,
        "filter.js" => return Route::Script,
        "query.html" => {
            let q = query
                .and_then(|qs| form_value(qs, "q").transpose())
                .transpose();
            return match q {
                Ok(q) => {
                    let q = q.unwrap_or_default();
                    if q.len() > MAX_QUESTION {
                        Route::BadRequest(format!(
                            "the question is {} bytes long; the most this page takes is {MAX_QUESTION}",
                            q.len()
                        ))
                    } else {
                        Route::Query(q)
                    }
                }
                Err(why) => Route::BadRequest(why),
            };
        }
        _ => {}
    }
    if let Some(file) = path.strip_prefix("subject/") {
        let file = match percent_decode(file, false) {
            Ok(f) => f,
            Err(why) => return Route::BadRequest(why),
        };
        return match subject_of_file(&file) {
            Some(s) => Route::Subject(s),
            None => Route::NotFound(format!("`{file}` is not a subject's page")),
        };
    }
    if let Some(file) = path.strip_prefix("entry/") {
        let seq = |stem: &str| stem.parse::<u64>().ok().filter(|n| *n > 0);
        if let Some(n) = file.strip_suffix(".proof.json").and_then(seq) {
            return Route::Proof(n);
        }
        if let Some(n) = file.strip_suffix(".html").and_then(seq) {
            return Route::Entry(n);
        }
    }
    Route::NotFound(format!("there is no page `/{path}`"))
}

/// The value of `name` in an `application/x-www-form-urlencoded` query string.
fn form_value(qs: &str, name: &str) -> Result<Option<String>, String> {
    for pair in qs.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            return percent_decode(v, true).map(Some);
        }
    }
    Ok(None)
}

/// `%XX` escapes decoded (and `+` as a space in a form value); the result must be UTF-8.
fn percent_decode(s: &str, plus_is_space: bool) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        format!("`%` at byte {} is not followed by two hex digits", i + 1)
                    })?;
                out.push(hex);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "the address does not decode to UTF-8 text".to_owned())
}

async fn respond(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let head_only = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head_only {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "this server is read-only: it answers GET and HEAD\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let route = route(req.uri().path(), req.uri().query());
    let Ok(_turn) = shared.makers.acquire().await else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping\n");
    };
    // Reading the log is blocking work: it runs beside the connections, not on them.
    let maker = Arc::clone(&shared);
    let made = tokio::task::spawn_blocking(move || page(&maker, route)).await;
    // For HEAD, hyper sends the headers of the GET answer (its length included) and no body.
    match made {
        Ok(r) => r,
        Err(_) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be made\n",
        ),
    }
}

fn page(shared: &Shared, route: Route) -> Response<Full<Bytes>> {
    let made = || -> Result<Response<Full<Bytes>>, WebError> {
        let html = |status, text: String| with_type(status, "text/html; charset=utf-8", text);
        Ok(match route {
            Route::Style => with_type(StatusCode::OK, "text/css; charset=utf-8", STYLE.to_owned()),
            Route::Script => with_type(
                StatusCode::OK,
                "text/javascript; charset=utf-8",
                FILTER_JS.to_owned(),
            ),
            Route::Subjects => html(StatusCode::OK, subjects_cached(shared)?.to_string()),
            Route::Subject(s) => {
                let snap = shared.log.snapshot()?;
                match read::subject_page(&snap, &s)? {
                    Some(p) => html(StatusCode::OK, p),
                    None => html(
                        StatusCode::NOT_FOUND,
                        read::missing(
                            &snap,
                            &format!("No subject `{s}` in this log."),
                            Depth::Nested,
                        )?,
                    ),
                }
            }
            Route::Entry(n) => {
                let snap = shared.log.snapshot()?;
                match read::entry_page(&snap, n, shared.checkpoint.as_deref())? {
                    Some(p) => html(StatusCode::OK, p),
                    None => html(
                        StatusCode::NOT_FOUND,
                        read::missing(
                            &snap,
                            &format!("No entry #{n} in this log."),
                            Depth::Nested,
                        )?,
                    ),
                }
            }
            Route::Proof(n) => match &shared.checkpoint {
                None => plain(
                    StatusCode::NOT_FOUND,
                    "no checkpoint was given to `reckon serve`, so there are no proofs\n",
                ),
                Some(cp) => {
                    let snap = shared.log.snapshot()?;
                    match read::proof(&snap, n, cp) {
                        Ok(p) => with_type(StatusCode::OK, "application/json", p),
                        Err(e) => plain(StatusCode::NOT_FOUND, &format!("{e}\n")),
                    }
                }
            },
            Route::Query(q) => html(StatusCode::OK, read::query_page(&shared.log, &q)?),
            Route::NotFound(why) => {
                let snap = shared.log.snapshot()?;
                html(
                    StatusCode::NOT_FOUND,
                    read::missing(&snap, &why, Depth::Top)?,
                )
            }
            Route::BadRequest(why) => plain(StatusCode::BAD_REQUEST, &format!("{why}\n")),
        })
    };
    made().unwrap_or_else(|e| {
        plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the log could not be read: {e}\n"),
        )
    })
}

fn subjects_cached(shared: &Shared) -> Result<Arc<String>, WebError> {
    let snap = shared.log.snapshot()?;
    let key = (snap.committed()?, snap.stamp()?);
    if let Ok(cache) = shared.subjects.lock()
        && let Some((k, page)) = cache.as_ref()
        && *k == key
    {
        return Ok(Arc::clone(page));
    }
    let page = Arc::new(read::subjects_page(&snap)?);
    if let Ok(mut cache) = shared.subjects.lock() {
        *cache = Some((key, Arc::clone(&page)));
    }
    Ok(page)
}

fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    with_type(status, "text/plain; charset=utf-8", text.to_owned())
}

fn with_type(status: StatusCode, kind: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_route_to_pages() {
        assert_eq!(route("/", None), Route::Subjects);
        assert_eq!(route("/index.html", None), Route::Subjects);
        assert_eq!(
            route("/subject/exchange~2025-05-23~per-side.html", None),
            Route::Subject("exchange/2025-05-23/per-side".into())
        );
        assert_eq!(route("/entry/12.html", None), Route::Entry(12));
        assert_eq!(route("/entry/12.proof.json", None), Route::Proof(12));
        assert!(matches!(route("/entry/0.html", None), Route::NotFound(_)));
        assert!(matches!(route("/entry/x.html", None), Route::NotFound(_)));
        assert!(matches!(route("/subject/A.html", None), Route::NotFound(_)));
        assert!(matches!(route("/../etc/passwd", None), Route::NotFound(_)));
        assert_eq!(
            route("/query.html", Some("q=figures+exchange%2F")),
            Route::Query("figures exchange/".into())
        );
        assert_eq!(route("/query.html", None), Route::Query(String::new()));
        assert!(matches!(
            route("/query.html", Some("q=%zz")),
            Route::BadRequest(_)
        ));
        assert!(matches!(
            route("/query.html", Some("q=%ff")),
            Route::BadRequest(_)
        ));
        let long = format!("q={}", "a".repeat(MAX_QUESTION + 1));
        assert!(matches!(
            route("/query.html", Some(&long)),
            Route::BadRequest(_)
        ));
    }
}
