//! `corpus`: what `cargo xtask corpus` runs (see the library's documentation). Also
//! `corpus __regen <root>`, the child process that runs the generator on one scratch project.

use std::process::ExitCode;

/// The allocator `cargo xtask regen` runs the generator with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("__regen") {
        let Some(root) = args.get(1) else {
            eprintln!("usage: corpus __regen <project root>");
            return ExitCode::FAILURE;
        };
        println!("{}", corpus::regen::child(std::path::Path::new(root)));
        return ExitCode::SUCCESS;
    }
    match corpus::main(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
