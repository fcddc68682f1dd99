//! `api-overview LIBRARY`: prints, as Markdown, every function, object,
//! record, enum and error the built core exports through UniFFI, with the
//! doc comments written on them in Rust — the API overview app teams read
//! (`docs/api.md`, kept current by `tests/run-bindings.sh`).

use std::fmt::Write;

use camino::Utf8PathBuf;
use uniffi_bindgen::interface::{AsType, Callable, ComponentInterface, Enum, Field, Type};
use uniffi_bindgen::library_mode::find_cis;
use uniffi_bindgen::EmptyCrateConfigSupplier;

/// The overview's opening: how it is made and how to read its names.
const HEADER: &str = "# API overview

Generated from the core's doc comments by `cargo run -p uniffi-bindgen --bin api-overview`;
do not edit. Names are the Rust ones: Kotlin and Swift use camelCase for
functions, fields and arguments, and `…Exception` (Kotlin) for errors.
Types: `[T]` list, `T?` optional, `bytes` byte array.

The library has four namespaces, one per crate: `icp_companion`, the façade
(crate icp-companion-ffi; Kotlin package `cn.icpfiling.companion`), and the
records and enums of the crates under it: `icp_companion_core` (the domain;
Kotlin `cn.icpfiling.companion.core`), `icp_protocol` (order payload, rules,
wire types; `….protocol`) and `icp_location` (the Shanghai rule;
`….location`). Python imports each as a module of that name; Swift compiles
all four into `IcpCompanion`.

";

fn main() {
    let Some(library) = std::env::args().nth(1) else {
        eprintln!("usage: api-overview path/to/libicp_companion.so");
        std::process::exit(2);
    };
    let cis = match find_cis(&Utf8PathBuf::from(library), &EmptyCrateConfigSupplier) {
        Ok(cis) => cis,
        Err(e) => {
            eprintln!("cannot read the library's interface: {e:#}");
            std::process::exit(1);
        }
    };
    print!("{HEADER}");
    // The façade first, then the crates under it, top down.
    let order = [
        "icp_companion",
        "icp_companion_core",
        "icp_protocol",
        "icp_location",
    ];
    let mut cis = cis;
    cis.sort_by_key(|ci| {
        order
            .iter()
            .position(|n| *n == ci.namespace())
            .unwrap_or(order.len())
    });
    for ci in &cis {
        print!("{}", overview(ci));
    }
}

/// The Markdown overview of one component (namespace).
fn overview(ci: &ComponentInterface) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Namespace `{}`\n", ci.namespace());
    let mut functions: Vec<_> = ci.function_definitions().iter().collect();
    heading(&mut out, "Functions", functions.len());
    functions.sort_by_key(|f| f.name());
    for f in functions {
        item(&mut out, &signature("fn", f.name(), f), f.docstring());
    }

    let mut objects: Vec<_> = ci.object_definitions().iter().collect();
    heading(&mut out, "Objects", objects.len());
    objects.sort_by_key(|o| o.name());
    for object in objects {
        let kind = if object.is_trait_interface() {
            "interface (implemented by the app)"
        } else {
            "object"
        };
        let _ = writeln!(out, "### {} — {kind}\n", object.name());
        doc(&mut out, object.docstring(), "");
        for c in object.constructors() {
            item(
                &mut out,
                &signature("constructor", c.name(), c),
                c.docstring(),
            );
        }
        for m in object.methods() {
            item(&mut out, &signature("fn", m.name(), m), m.docstring());
        }
    }

    let mut records: Vec<_> = ci.record_definitions().iter().collect();
    heading(&mut out, "Records", records.len());
    records.sort_by_key(|r| r.name());
    for record in records {
        let _ = writeln!(out, "### {}\n", record.name());
        doc(&mut out, record.docstring(), "");
        fields(&mut out, record.fields(), "");
        out.push('\n');
    }

    let (errors, enums): (Vec<&Enum>, Vec<&Enum>) = ci
        .enum_definitions()
        .iter()
        .partition(|e| ci.is_name_used_as_error(e.name()));
    for (title, mut list) in [("Enums", enums), ("Errors", errors)] {
        heading(&mut out, title, list.len());
        list.sort_by_key(|e| e.name());
        for e in list {
            let _ = writeln!(out, "### {}\n", e.name());
            doc(&mut out, e.docstring(), "");
            for v in e.variants() {
                let _ = write!(out, "- `{}`", v.name());
                match v.docstring() {
                    Some(d) => {
                        let _ = writeln!(out, ": {}", one_line(d));
                    }
                    None => out.push('\n'),
                }
                fields(&mut out, v.fields(), "  ");
            }
            out.push('\n');
        }
    }
    out
}

/// A section's heading, left out when the namespace has none of its items.
fn heading(out: &mut String, title: &str, items: usize) {
    if items > 0 {
        let _ = writeln!(out, "## {title}\n");
    }
}

/// `kind name(arg: T, …) -> R throws E`, async marked.
fn signature(kind: &str, name: &str, c: &impl Callable) -> String {
    let args: Vec<String> = c
        .arguments()
        .iter()
        .map(|a| format!("{}: {}", a.name(), type_name(&a.as_type())))
        .collect();
    let mut s = format!(
        "{}{kind} {name}({})",
        if c.is_async() { "async " } else { "" },
        args.join(", ")
    );
    if let Some(r) = c.return_type() {
        let _ = write!(s, " -> {}", type_name(r));
    }
    if let Some(e) = c.throws_type() {
        let _ = write!(s, " throws {}", type_name(e));
    }
    s
}

/// A bullet with the signature and its doc comment.
fn item(out: &mut String, signature: &str, docstring: Option<&str>) {
    let _ = writeln!(out, "- `{signature}`");
    match docstring {
        Some(_) => doc(out, docstring, "  "),
        None => out.push('\n'),
    }
}

/// A doc comment, indented, followed by a blank line.
fn doc(out: &mut String, docstring: Option<&str>, indent: &str) {
    if let Some(d) = docstring {
        let _ = writeln!(out, "{indent}{}\n", one_line(d));
    }
}

/// Each field with its type and doc comment.
fn fields(out: &mut String, fields: &[Field], indent: &str) {
    for f in fields {
        let _ = write!(out, "{indent}- `{}: {}`", f.name(), type_name(&f.as_type()));
        match f.docstring() {
            Some(d) => {
                let _ = writeln!(out, " — {}", one_line(d));
            }
            None => out.push('\n'),
        }
    }
}

/// A doc comment on one line (Markdown joins them anyway).
fn one_line(d: &str) -> String {
    d.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A language-neutral spelling of a type.
fn type_name(t: &Type) -> String {
    match t {
        Type::UInt8 => "u8".into(),
        Type::Int8 => "i8".into(),
        Type::UInt16 => "u16".into(),
        Type::Int16 => "i16".into(),
        Type::UInt32 => "u32".into(),
        Type::Int32 => "i32".into(),
        Type::UInt64 => "u64".into(),
        Type::Int64 => "i64".into(),
        Type::Float32 => "f32".into(),
        Type::Float64 => "f64".into(),
        Type::Boolean => "bool".into(),
        Type::String => "string".into(),
        Type::Bytes => "bytes".into(),
        Type::Timestamp => "timestamp".into(),
        Type::Duration => "duration".into(),
        Type::Object { name, .. }
        | Type::Record { name, .. }
        | Type::Enum { name, .. }
        | Type::CallbackInterface { name, .. }
        | Type::Custom { name, .. } => name.clone(),
        Type::Box { inner_type } => type_name(inner_type),
        Type::Optional { inner_type } => format!("{}?", type_name(inner_type)),
        Type::Sequence { inner_type } => format!("[{}]", type_name(inner_type)),
        Type::Set { inner_type } => format!("set<{}>", type_name(inner_type)),
        Type::Map {
            key_type,
            value_type,
        } => format!("map<{}, {}>", type_name(key_type), type_name(value_type)),
    }
}
