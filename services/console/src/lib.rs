//! The web console: server-rendered pages for staff, calling the four
//! services over gRPC with the signed-in person's own token.
#![forbid(unsafe_code)]
