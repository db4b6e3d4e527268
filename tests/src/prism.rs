//! A Prism mock server (`@stoplight/prism-cli`, pinned in `tools/`) serving
//! `spec/openapi.json`, for contract tests.
//!
//! [`Prism::start`] runs `tools/node_modules/.bin/prism mock spec/openapi.json -h 127.0.0.1
//! -p <free port>`, waits until Prism prints `Prism is listening on http://127.0.0.1:<port>`
//! (a new port is tried when the chosen one was taken in the meantime) and panics with Prism's
//! output if it exits or is not ready in time. Dropping the [`Prism`] kills the process, also
//! when the test panics. Prism's stdout and stderr are drained all the time (a full pipe would
//! block it) and kept: [`Prism::output`] (its log names each request and every violation).
//!
//! Prism validates every request against the spec: a violation comes back as `422
//! application/problem+json` with a `validation` array, or, when the operation documents a
//! `400` response, as that response with an `sl-violations` header ([`VIOLATIONS_HEADER`]).
//! A missing credential gets `401`.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The response header in which Prism lists request violations (a JSON array).
pub const VIOLATIONS_HEADER: &str = "sl-violations";

/// How long Prism may take to print its readiness line (about 1.3–3 s on an idle machine;
/// generous because other builds may be running).
pub const READY_TIMEOUT: Duration = Duration::from_secs(90);

/// How many ports are tried when the chosen one is taken before Prism binds it.
const PORT_ATTEMPTS: usize = 5;

/// The workspace root (the parent of the `tests` crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `spec/openapi.json` of this workspace.
pub fn spec_path() -> PathBuf {
    workspace_root().join("spec").join("openapi.json")
}

/// `tools/node_modules/.bin/prism`. Panics, telling how to install it, when it is missing:
/// a contract test must never pass by skipping.
pub fn prism_bin() -> PathBuf {
    let bin = workspace_root().join("tools/node_modules/.bin/prism");
    if !bin.exists() {
        panic!(
            "Prism is not installed: {} does not exist. Run `cargo xtask test` (it installs the \
             pinned tools from tools/package-lock.json) or `npm ci --prefix tools`, then run the \
             tests again.",
            bin.display()
        );
    }
    bin
}

/// A running `prism mock` process; killed on drop.
pub struct Prism {
    child: Child,
    url: String,
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl fmt::Debug for Prism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prism")
            .field("pid", &self.child.id())
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Prism {
    /// Starts Prism with its static responses (deterministic: built from the schemas).
    pub fn start() -> Prism {
        Self::start_with(&[])
    }

    /// Starts Prism with extra arguments after `mock <spec> -h 127.0.0.1 -p <port>` (for
    /// example `["-d", "--seed", "1"]` for dynamic responses that are still deterministic).
    pub fn start_with(extra_args: &[&str]) -> Prism {
        let bin = prism_bin();
        let spec = spec_path();
        let mut failures = Vec::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            match Self::spawn(&bin, &spec, port, extra_args) {
                Ok(prism) => return prism,
                Err(Failure::PortTaken(output)) => failures.push(format!("port {port}:\n{output}")),
                Err(Failure::Fatal(message)) => panic!("{message}"),
            }
        }
        panic!(
            "Prism could not bind a port in {PORT_ATTEMPTS} attempts (EADDRINUSE each time):\n{}",
            failures.join("\n")
        );
    }

    fn spawn(bin: &Path, spec: &Path, port: u16, extra_args: &[&str]) -> Result<Prism, Failure> {
        let mut command = Command::new(bin);
        command
            .arg("mock")
            .arg(spec)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(extra_args)
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let shown = format!("{command:?}");
        let mut child = command.spawn().map_err(|e| {
            Failure::Fatal(format!(
                "cannot run {shown}: {e} (Prism needs Node 20; run `cargo xtask test` to install it)"
            ))
        })?;
        let output = Arc::new(Mutex::new(String::new()));
        let ready_line = format!("Prism is listening on http://127.0.0.1:{port}");
        let (ready_tx, ready_rx) = mpsc::channel();
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(drain(
                stdout,
                "",
                output.clone(),
                Some((ready_line, ready_tx)),
            ));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(drain(stderr, "stderr: ", output.clone(), None));
        }
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            output,
            readers,
        };

        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if ready_rx.recv_timeout(Duration::from_millis(50)).is_ok() {
                return Ok(prism);
            }
            match prism.child.try_wait() {
                Ok(Some(status)) => {
                    // Let the readers reach the end of the pipes, so the output is complete.
                    for reader in prism.readers.drain(..) {
                        let _ = reader.join();
                    }
                    let output = prism.output();
                    return Err(if output.contains("EADDRINUSE") {
                        Failure::PortTaken(output)
                    } else {
                        Failure::Fatal(format!(
                            "Prism exited ({status}) before it was ready: {shown}\n--- Prism output ---\n{output}"
                        ))
                    });
                }
                Ok(None) => {}
                Err(e) => return Err(Failure::Fatal(format!("cannot poll Prism ({shown}): {e}"))),
            }
            if Instant::now() >= deadline {
                let output = prism.output();
                drop(prism);
                return Err(Failure::Fatal(format!(
                    "Prism was not ready after {READY_TIMEOUT:?} (no \"Prism is listening\" line): \
                     {shown}\n--- Prism output ---\n{output}"
                )));
            }
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Everything Prism printed so far (stderr lines prefixed with `stderr: `).
    pub fn output(&self) -> String {
        self.output
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

enum Failure {
    /// Prism exited with EADDRINUSE: try another port.
    PortTaken(String),
    Fatal(String),
}

/// A port nobody listened on a moment ago (bound to port 0, then released).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener
        .local_addr()
        .expect("local address of a bound listener")
        .port()
}

/// Copies `pipe` line by line into `output` until it closes; signals `ready` on the line that
/// contains its text.
fn drain(
    pipe: impl Read + Send + 'static,
    prefix: &'static str,
    output: Arc<Mutex<String>>,
    mut ready: Option<(String, mpsc::Sender<()>)>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            {
                let mut out = output.lock().unwrap_or_else(|p| p.into_inner());
                out.push_str(prefix);
                out.push_str(text.trim_end_matches(['\r', '\n']));
                out.push('\n');
            }
            if ready
                .as_ref()
                .is_some_and(|(needle, _)| text.contains(needle.as_str()))
            {
                if let Some((_, tx)) = ready.take() {
                    let _ = tx.send(());
                }
            }
        }
    })
}
