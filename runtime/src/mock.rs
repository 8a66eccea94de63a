//! An in-memory service for offline tests: rules per operation answer the
//! requests a client sends, with typed outputs, API errors or transport
//! failures, without a socket.
//!
//! Generated crates built with their `mocks` feature have one rule
//! constructor per operation (`mock::show_server()`), typed with the
//! operation's request body and success body; the whole request pipeline
//! (validation, signing, headers, retries, decoding, waiters, page streams)
//! runs unchanged in front of the [`Mock`].
//!
//! ```
//! # use cloudsdk_runtime::mock::{Mock, Rule};
//! # use cloudsdk_runtime::{Request, http::Method};
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let show = Rule::<(), serde_json::Value>::new("show_cluster", "/v1/clusters/{cluster_id}", 200)
//!     .match_requests(|request| request.path_param("cluster_id") == Some("c-1"))
//!     .then_error(503, serde_json::json!({"message": "busy"}))
//!     .then_output(serde_json::json!({"id": "c-1"}));
//! let mock = Mock::new().with_rule(&show);
//! let client = cloudsdk_runtime::Client::new(mock.config(), cloudsdk_runtime::ServiceInfo {
//!     name: "example", version: "0", api_version: None, security_scheme: None,
//! }).unwrap();
//! let request = Request::new(Method::GET, "show_cluster", "/v1/clusters/c-1".to_owned());
//! let response = client.execute(request).await.unwrap(); // the 503 is retried
//! assert_eq!(response.status(), 200);
//! assert_eq!(show.matched(), 2);
//! mock.assert_no_unexpected_requests();
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::transport::{
    ConnectionError, HttpRequest, HttpResponse, Limits, OperationName, StreamingResponse, Transport, TransportFuture,
};
use crate::{Auth, ByteStream, Config, Error};

/// A request as the mock received it, a streamed body read whole.
pub type SentRequest = http::Request<Bytes>;

/// A request as a rule sees it: the wire request, its operation and the
/// decoded body `B` (the operation's request body type).
pub struct MockRequest<B> {
    operation: &'static str,
    http: SentRequest,
    path_params: PathParams,
    body: Option<B>,
}

impl<B> MockRequest<B> {
    /// The operation, e.g. `show_server`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The request as it would go on the wire.
    pub fn http(&self) -> &SentRequest {
        &self.http
    }

    /// A path parameter by the name in the spec's path template
    /// (`serverId`), percent-decoded.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        self.query_all(name).into_iter().next()
    }

    /// Every value of query parameter `name`, percent-decoded.
    pub fn query_all(&self, name: &str) -> Vec<String> {
        let query = self.http.uri().query().unwrap_or("");
        query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .filter(|(n, _)| decode(n) == name)
            .map(|(_, v)| decode(v))
            .collect()
    }

    /// A request header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.http.headers().get(name)?.to_str().ok()
    }

    /// The request body, decoded as the operation's JSON body type; `None`
    /// when there is none (or it is not JSON: read `http().body()` then).
    pub fn body(&self) -> Option<&B> {
        self.body.as_ref()
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

impl<B> fmt::Debug for MockRequest<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.http.method(), self.http.uri(), self.operation)
    }
}

/// One answer of a rule.
#[derive(Clone, Debug)]
enum Answer {
    Respond { status: StatusCode, body: Bytes },
    NotSent,
    Broken,
    Timeout,
}

/// A rule's answers in turn; the last one repeats.
#[derive(Debug, Default)]
struct Answers {
    queue: VecDeque<Answer>,
    last: Option<Answer>,
}

impl Answers {
    fn next(&mut self) -> Option<Answer> {
        if let Some(answer) = self.queue.pop_front() {
            self.last = Some(answer);
        }
        self.last.clone()
    }
}

/// A path's parameters by their template names.
type PathParams = Vec<(String, String)>;

/// Whether a request (and its path parameters) matches a rule.
type Matcher = Box<dyn Fn(&SentRequest, PathParams) -> bool + Send + Sync>;

/// What a [`Mock`] keeps of a rule, type-erased.
struct RuleState {
    operation: &'static str,
    template: &'static str,
    matches: Matcher,
    answers: Mutex<Answers>,
    matched: AtomicUsize,
}

/// How requests of one operation are answered: the operation's request body
/// `B` and success body `O` make the matching and the outputs typed.
///
/// Answers are given in turn, the last one repeating: `then_error(503, …)`
/// then `then_output(…)` answers a retry; three `then_output`s make three
/// pages or three polls of a waiter.
pub struct Rule<B, O> {
    state: Arc<RuleState>,
    success: StatusCode,
    /// How an output goes on the wire: JSON, or text or bytes as they are.
    encode: fn(&O) -> Bytes,
    /// How a request body is read for a matcher: JSON, or not at all.
    decode: fn(&[u8]) -> Option<B>,
    _types: PhantomData<fn(B) -> O>,
}

impl<B, O> fmt::Debug for Rule<B, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("operation", &self.state.operation)
            .field("matched", &self.matched())
            .finish_non_exhaustive()
    }
}

impl<B, O> Rule<B, O> {
    /// How many requests this rule answered.
    pub fn matched(&self) -> usize {
        self.state.matched.load(Ordering::SeqCst)
    }
}

impl<B: DeserializeOwned + 'static, O: Serialize> Rule<B, O> {
    /// A rule for `operation`, whose path has `template` (for
    /// [`MockRequest::path_param`]) and which succeeds with `success`; the
    /// request body and the outputs are JSON. Every request of the operation
    /// matches until [`match_requests`](Rule::match_requests).
    pub fn new(operation: &'static str, template: &'static str, success: u16) -> Self {
        Rule::with_codecs(operation, template, success, |output| {
            serde_json::to_vec(output).map(Bytes::from).unwrap_or_default()
        })
    }
}

impl<B: DeserializeOwned + 'static> Rule<B, String> {
    /// A rule for an operation that answers text (`text/plain`), sent as it is.
    pub fn text(operation: &'static str, template: &'static str, success: u16) -> Self {
        Rule::with_codecs(operation, template, success, |output: &String| Bytes::copy_from_slice(output.as_bytes()))
    }
}

impl<B: DeserializeOwned + 'static> Rule<B, Bytes> {
    /// A rule for an operation that answers bytes (a file), sent as they are.
    pub fn bytes(operation: &'static str, template: &'static str, success: u16) -> Self {
        Rule::with_codecs(operation, template, success, Bytes::clone)
    }
}

impl<B: DeserializeOwned + 'static, O> Rule<B, O> {
    fn with_codecs(operation: &'static str, template: &'static str, success: u16, encode: fn(&O) -> Bytes) -> Self {
        let state = RuleState {
            operation,
            template,
            matches: Box::new(|_, _| true),
            answers: Mutex::default(),
            matched: AtomicUsize::new(0),
        };
        Rule {
            state: Arc::new(state),
            success: StatusCode::from_u16(success).unwrap_or(StatusCode::OK),
            encode,
            decode: |body| serde_json::from_slice(body).ok(),
            _types: PhantomData,
        }
    }
}

impl<B: 'static, O> Rule<B, O> {
    /// Only requests for which `predicate` holds match this rule.
    pub fn match_requests(mut self, predicate: impl Fn(&MockRequest<B>) -> bool + Send + Sync + 'static) -> Self {
        let (operation, decode) = (self.state.operation, self.decode);
        let matches = move |http: &SentRequest, path_params: PathParams| {
            let body = (!http.body().is_empty()).then(|| decode(http.body())).flatten();
            let request = MockRequest { operation, http: http.clone(), path_params, body };
            predicate(&request)
        };
        self.state_mut().matches = Box::new(matches);
        self
    }

    /// Answers with `output`, encoded as the service would, under the
    /// operation's success status.
    pub fn then_output(self, output: O) -> Self {
        let body = (self.encode)(&output);
        let status = self.success;
        self.then(Answer::Respond { status, body })
    }

    /// Answers with an API error: `status` and a JSON `body`.
    pub fn then_error(self, status: u16, body: serde_json::Value) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        self.then(Answer::Respond { status, body: Bytes::from(body.to_string()) })
    }

    /// Fails as a connection that was refused: the request was never written.
    pub fn then_connection_refused(self) -> Self {
        self.then(Answer::NotSent)
    }

    /// Fails as a connection reset after the request was written.
    pub fn then_connection_reset(self) -> Self {
        self.then(Answer::Broken)
    }

    /// Fails as an attempt that timed out.
    pub fn then_timeout(self) -> Self {
        self.then(Answer::Timeout)
    }

    fn then(self, answer: Answer) -> Self {
        self.state.answers.lock().expect("a mock rule's lock").queue.push_back(answer);
        self
    }

    fn state_mut(&mut self) -> &mut RuleState {
        Arc::get_mut(&mut self.state).expect("a rule is configured before it is added to a mock")
    }
}

/// An in-memory service: a [`Transport`] answering each request with the
/// first rule that matches it. Clones share the rules and the record of
/// unexpected requests.
#[derive(Clone, Default)]
pub struct Mock {
    rules: Arc<Mutex<Vec<Arc<RuleState>>>>,
    unexpected: Arc<Mutex<Vec<String>>>,
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = self.rules.lock().map(|r| r.len()).unwrap_or(0);
        f.debug_struct("Mock").field("rules", &rules).finish_non_exhaustive()
    }
}

impl Mock {
    /// A service with no rules: every request is unexpected.
    pub fn new() -> Self {
        Mock::default()
    }

    /// Adds `rule`; rules are tried in the order they were added. The rule
    /// stays readable (`rule.matched()`).
    pub fn with_rule<B, O>(self, rule: &Rule<B, O>) -> Self {
        self.rules.lock().expect("the mock's lock").push(Arc::clone(&rule.state));
        self
    }

    /// A configuration sending every request to this mock, with no
    /// credentials and quick retries.
    pub fn config(&self) -> Config {
        let quick = crate::RetryPolicy::default().with_initial_delay(std::time::Duration::from_millis(1));
        Config::new("https://mock.invalid", Auth::None).with_transport(self.clone()).with_retry(quick)
    }

    /// The requests no rule matched, as `METHOD URL (operation)`.
    pub fn unexpected_requests(&self) -> Vec<String> {
        self.unexpected.lock().expect("the mock's lock").clone()
    }

    /// Panics, naming them, if any request matched no rule.
    pub fn assert_no_unexpected_requests(&self) {
        let unexpected = self.unexpected_requests();
        assert!(unexpected.is_empty(), "requests no mock rule matched: {unexpected:?}");
    }

    /// Reads a streamed request body whole, then answers.
    async fn receive(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let (parts, body) = request.into_parts();
        self.answer(&SentRequest::from_parts(parts, body.collect().await?))
    }

    fn answer(&self, request: &SentRequest) -> Result<HttpResponse, Error> {
        let operation = request.extensions().get::<OperationName>().map_or("unknown operation", |o| o.0);
        let rules = self.rules.lock().expect("the mock's lock").clone();
        let rule = rules.iter().find(|rule| {
            rule.operation == operation
                && path_params(rule.template, request.uri().path())
                    .is_some_and(|params| (rule.matches)(request, params))
        });
        let described = format!("{} {} ({operation})", request.method(), request.uri());
        let Some(rule) = rule else {
            self.unexpected.lock().expect("the mock's lock").push(described.clone());
            return Err(Error::InvalidRequest(format!("no mock rule matches {described}")));
        };
        rule.matched.fetch_add(1, Ordering::SeqCst);
        let answer = rule.answers.lock().expect("a mock rule's lock").next();
        let failure = |what: &str| format!("mock: {what} for {described}");
        match answer {
            Some(Answer::Respond { status, body }) => Ok(response(status, body)),
            Some(Answer::NotSent) => Err(Error::Connection(ConnectionError::not_sent(failure("connection refused")))),
            Some(Answer::Broken) => Err(Error::Connection(ConnectionError::broken(failure("connection reset")))),
            Some(Answer::Timeout) => Err(Error::Timeout { source: None }),
            None => Err(Error::InvalidRequest(format!("the mock rule for {operation} has no answer"))),
        }
    }
}

impl Transport for Mock {
    fn send(&self, request: HttpRequest, limits: Limits) -> TransportFuture<'_> {
        Box::pin(async move {
            let response = self.receive(request).await?;
            if response.body().len() > limits.max_body {
                return Err(Error::BodyTooLarge { limit: limits.max_body, status: response.status() });
            }
            Ok(response)
        })
    }

    /// Answers like `send`, without the limit: a streamed answer has none.
    fn send_streaming(&self, request: HttpRequest, _limits: Limits) -> TransportFuture<'_, StreamingResponse> {
        Box::pin(async move { Ok(self.receive(request).await?.map(ByteStream::from)) })
    }
}

fn response(status: StatusCode, body: Bytes) -> HttpResponse {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The path parameters of `path` under `template`, or `None` when the path
/// does not have the template's shape.
fn path_params(template: &str, path: &str) -> Option<PathParams> {
    let (template, path): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if template.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (expected, actual) in template.iter().zip(&path) {
        match expected.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
            Some(name) => params.push((name.to_owned(), decode(actual))),
            None if expected == actual => {}
            None => return None,
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_read_by_their_template_names() {
        let params = path_params("/v2/{tenantId}/servers/{serverId}", "/v2/t/servers/a%2Fb%20c").unwrap();
        assert_eq!(params, [("tenantId".into(), "t".into()), ("serverId".into(), "a/b c".into())]);
        assert!(path_params("/v2/{tenantId}/servers", "/v2/t/flavors").is_none());
        assert!(path_params("/v2/{tenantId}", "/v2/t/servers").is_none());
    }

    #[test]
    fn answers_are_given_in_turn_and_the_last_repeats() {
        let mut answers = Answers::default();
        answers.queue.extend([Answer::Timeout, Answer::NotSent]);
        assert!(matches!(answers.next(), Some(Answer::Timeout)));
        assert!(matches!(answers.next(), Some(Answer::NotSent)));
        assert!(matches!(answers.next(), Some(Answer::NotSent)));
    }
}
