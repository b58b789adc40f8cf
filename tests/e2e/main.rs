//! End-to-end tests: the services as real processes (or in-process where a
//! test needs to look inside), against a real PostgreSQL and NATS, each test
//! in its own schemas and bus namespace.

mod browser;
mod browser_pages;
mod browser_public;
mod cli;
mod cli_stage3;
mod console;
mod console_pages;
mod console_procedure;
mod crash_recovery;
mod deploy_files;
mod destruction;
mod faults;
mod first_complaint;
mod hostile_text;
mod local_scripts;
mod loops;
mod metrics;
mod nats_auth;
mod one_trace;
mod processes;
mod public_adjustments;
mod public_follow;
mod public_follow_browser;
mod public_home;
mod public_links;
mod public_pages;
mod retention;
mod rule_catalogue;
mod stack;
mod subject_access;
mod support;
mod tls;
mod trace_catcher;
mod trace_context;
mod two_replicas;
