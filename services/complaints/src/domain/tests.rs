//! Tests of the domain, one file per area of the procedure. Each rule id of
//! `PROCEDURE-RULES.md` that the core enforces appears in a test name or
//! doc comment here.

mod actions;
mod closure;
mod codec;
mod confidentiality;
mod deadlines;
mod opening;
mod outcomes;
mod receipt;
mod receipt_by_hand;
mod sequences;

mod stage1;
mod stage2;
mod stage3;
mod support;
