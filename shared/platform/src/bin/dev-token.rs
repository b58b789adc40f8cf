//! Prints a development bearer token, signed with `AUTH_DEV_SECRET`, for
//! calling a stack started by `make up`:
//!
//! ```sh
//! dev-token handler --subject s.jones --team north
//! ```
//!
//! Production tokens come from the identity provider; services configured
//! with `AUTH_JWKS_FILE` refuse these.
#![forbid(unsafe_code)]

use platform::auth::{DevToken, Role};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: dev-token ROLE[,ROLE...] [--subject ID] [--team TEAM] [--hours N]\n\
roles: portal handler manager compliance_manager head_of_customer_experience \
customer_service_manager committee data_protection_officer operator";

fn main() -> ExitCode {
    match token(std::env::args().skip(1).collect()) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("dev-token: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn token(args: Vec<String>) -> Result<String, String> {
    let secret = std::env::var("AUTH_DEV_SECRET")
        .map_err(|_| "AUTH_DEV_SECRET is not set (make up writes it to .run/auth.env)")?;
    let issuer = std::env::var("AUTH_ISSUER").unwrap_or_else(|_| "complaints-dev".into());
    let audience = std::env::var("AUTH_AUDIENCE").unwrap_or_else(|_| "complaints".into());
    let mut args = args.into_iter();
    let roles: Vec<Role> = args
        .next()
        .ok_or("name at least one role")?
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let (mut subject, mut team, mut hours) = (None, None, 8u64);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--subject" => subject = Some(value),
            "--team" => team = Some(value),
            "--hours" => hours = value.parse().map_err(|_| "--hours takes a number")?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    let subject = subject.unwrap_or_else(|| format!("dev-{}", roles[0]));
    Ok(DevToken {
        issuer: &issuer,
        audience: &audience,
        subject: &subject,
        roles: &roles,
        team: team.as_deref(),
        valid_for: Duration::from_secs(hours * 3600),
    }
    .sign(&secret))
}
