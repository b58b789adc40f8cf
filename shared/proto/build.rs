//! Generates the Rust code for `proto/complaints/v1` at build time with a
//! protoc taken from crates.io, so a machine without protoc builds it.

use std::path::PathBuf;

/// Messages holding personal or sensitive data: their Debug is written by
/// hand in src/lib.rs and prints nothing of their content.
const REDACTED: [&str; 5] = [
    "complaints.v1.Person",
    "complaints.v1.PostalAddress",
    "complaints.v1.ThirdParty",
    "complaints.v1.Attachment",
    "complaints.v1.EqualityMonitoring",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Relative to the package root (the build script's working directory),
    // so `rerun-if-changed` follows whichever checkout is being built even
    // when several share one target directory.
    let root = PathBuf::from("../../proto");
    // Every .proto file of the package: a new file needs no change here.
    let package = root.join("complaints/v1");
    let mut protos: Vec<PathBuf> = std::fs::read_dir(&package)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    protos.retain(|path| path.extension().is_some_and(|ext| ext == "proto"));
    protos.sort();
    // The folder, for files added or removed; each file, for edits.
    println!("cargo:rerun-if-changed={}", package.display());
    for proto in &protos {
        println!("cargo:rerun-if-changed={}", proto.display());
    }
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);

    let mut config = prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    config.enable_type_names();

    tonic_prost_build::configure()
        .file_descriptor_set_path(out_dir.join("complaints_v1_descriptor.bin"))
        // Personal data must not reach logs through a derived Debug.
        .skip_debug(REDACTED)
        .compile_with_config(
            config,
            &protos,
            &[root, protoc_bin_vendored::include_path()?],
        )?;
    Ok(())
}
