//! The intake service as a process: see the crate documentation.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    platform::run::<intake::Application>()
}
