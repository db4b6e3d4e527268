//! Child processes of a bench: the bench binary re-executed in another role (a server whose
//! CPU or memory must not count, or a client whose peak memory is measured alone), and the
//! memory figures of a process.

use std::io::{BufRead, BufReader, Read, Write as _};
use std::process::{Child, Command, Stdio};

use alli_api_tests::TestServer;

/// A current-thread tokio runtime with time and I/O (what the bench processes run on).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs this bench binary again with `role` set in its environment (plus `env`), stdin and
/// stdout piped. The child reads its role with `std::env::var(role)`.
pub fn spawn_role(role: &str, env: &[(&str, String)]) -> Child {
    let exe = std::env::current_exe().expect("current exe");
    let mut cmd = Command::new(exe);
    cmd.env(role, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn a child process of the bench")
}

/// The first line the child prints, trimmed.
pub fn first_line(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a line from the child");
    line.trim().to_owned()
}

/// Starts `role` as a server process and returns it with the URL it printed.
pub fn start_server_process(role: &str, env: &[(&str, String)]) -> (Child, String) {
    let mut child = spawn_role(role, env);
    let url = first_line(&mut child);
    assert!(url.starts_with("http://127.0.0.1:"), "server said {url:?}");
    (child, url)
}

/// Stops a server process started by [`start_server_process`] (closes its stdin, waits).
pub fn stop(mut child: Child) {
    drop(child.stdin.take());
    let _ = child.wait();
}

/// In the server child: prints the server's URL, then serves until the parent closes stdin.
pub async fn serve_until_stdin_closes(server: TestServer) {
    println!("{}", server.url());
    let _ = std::io::stdout().flush();
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await;
    drop(server);
}

/// A `/proc/self/status` figure in KiB (`VmHWM`: peak resident set; `VmRSS`: resident now).
pub fn proc_status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}
