//! Ayuda's two project commands, each doing its own set-up on a fresh machine:
//!
//! * `cargo xtask run [--demo] [--debug]`: builds the SPA and starts Ayuda (API + SPA +
//!   workers) on SQLite; `--demo` loads demo accounts.
//! * `cargo xtask test [FILTER]`: formatting, lints, the SPA build, and every test on SQLite
//!   and on PostgreSQL, with a real SMTP server (maildev) and a real IMAP server (Dovecot).
//!
//! Set-up installs only what is missing: the wasm32 target, Trunk, wasm-bindgen-cli (the
//! version in Cargo.lock) and the npm tools in `tests/e2e` (maildev, binaryen's wasm-opt,
//! Playwright) for both; Dovecot and Chromium (Debian) only for the tests.

use std::env;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

mod layers;

const TRUNK_VERSION: &str = "0.21.14";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("setup") => setup_tests(),
        _ => Err("usage: cargo xtask run [--demo] [--debug] | cargo xtask test [FILTER] | cargo xtask setup".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

fn tools_dir() -> PathBuf {
    root().join("tests/e2e")
}

/// PATH with the npm tools first (binaryen's wasm-opt must win over any other).
fn tool_path() -> String {
    let bin = tools_dir().join("node_modules/.bin");
    let cargo_bin = env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| home().join(".cargo"))
        .join("bin");
    format!(
        "{}:{}:{}",
        bin.display(),
        cargo_bin.display(),
        env::var("PATH").unwrap_or_default()
    )
}

fn home() -> PathBuf {
    env::var("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/root"))
}

fn cmd(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", tool_path());
    command
}

fn step(name: &str, command: &mut Command) -> Result {
    let started = Instant::now();
    println!("==> {name}");
    let status = command
        .status()
        .map_err(|e| format!("{name}: cannot start: {e}"))?;
    if !status.success() {
        return Err(format!("{name} failed ({status})"));
    }
    println!("    {name}: {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err("wasm-bindgen not found in Cargo.lock".into())
}

/// Installs whatever building and running Ayuda needs and is missing: the wasm target,
/// Trunk, wasm-bindgen-cli, and the npm tools (binaryen's wasm-opt among them).
fn setup() -> Result {
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        step(
            "install the wasm32 target",
            cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
        )?;
    }
    let trunk = output_of("trunk", &["--version"]).unwrap_or_default();
    if !trunk.contains(TRUNK_VERSION) {
        // 0.22 needs a newer rustc than this toolchain; --locked builds with its tested deps.
        step(
            "install Trunk",
            cmd("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]),
        )?;
    }
    let wanted = locked_wasm_bindgen()?;
    let bindgen = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if !bindgen.split_whitespace().any(|w| w == wanted) {
        // Not --locked: its lockfile names crate versions the registry mirror may lack.
        step(
            "install wasm-bindgen-cli",
            cmd("cargo").args(["install", "wasm-bindgen-cli", "--version", &wanted]),
        )?;
    }
    // npm writes node_modules/.package-lock.json on every install: the tools are current
    // while it is newer than the committed lockfile.
    let installed = tools_dir().join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let locked = modified(&tools_dir().join("package-lock.json"));
    if modified(&installed).is_none_or(|i| locked.is_some_and(|l| l > i)) {
        step(
            "install npm tools (tests/e2e)",
            cmd("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(tools_dir())
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        )?;
    }
    Ok(())
}

/// Also installs what only the tests need: Debian's IMAP server (email intake tests) and
/// Chromium (the SPA's browser tests).
fn setup_tests() -> Result {
    setup()?;
    let missing: Vec<&str> = [
        ("/usr/sbin/dovecot", "dovecot-imapd"),
        ("/usr/bin/chromium", "chromium"),
    ]
    .into_iter()
    .filter(|(binary, _)| !Path::new(binary).exists())
    .map(|(_, package)| package)
    .collect();
    if !missing.is_empty() {
        step("apt-get update", cmd("apt-get").args(["update", "-qq"]))?;
        step(
            &format!("install {} (Debian)", missing.join(", ")),
            cmd("apt-get")
                .args(["install", "-y", "--no-install-recommends"])
                .args(&missing)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }
    Ok(())
}

fn build_spa() -> Result {
    step(
        "build the SPA (trunk build --release --cargo-profile wasm-release)",
        cmd("trunk")
            .args(["build", "--release", "--cargo-profile", "wasm-release"])
            .env("TRUNK_SKIP_VERSION_CHECK", "true"),
    )?;
    // The server sends these as they are to browsers that take gzip: the best level once
    // here instead of a fast one on every request.
    let dist = root().join("dist");
    let built: Vec<String> = std::fs::read_dir(&dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "wasm" || e == "js" || e == "css")
        })
        .map(|p| p.display().to_string())
        .collect();
    step(
        "compress the SPA's files (gzip -9)",
        cmd("gzip").args(["-9", "--keep", "--force"]).args(&built),
    )?;
    // Brotli at its best level too (about a fifth smaller than gzip for the wasm), with
    // Node's zlib: Node is here already for the npm tools, and Debian's brotli may not be.
    step(
        "compress the SPA's files (brotli -q 11)",
        cmd("node")
            .arg("-e")
            .arg(
                "const z = require('zlib'), fs = require('fs');\
                 for (const f of process.argv.slice(1)) fs.writeFileSync(f + '.br',\
                 z.brotliCompressSync(fs.readFileSync(f), { params: {\
                 [z.constants.BROTLI_PARAM_QUALITY]: 11,\
                 [z.constants.BROTLI_PARAM_SIZE_HINT]: fs.statSync(f).size } }));",
            )
            .args(&built),
    )
}

fn run(args: &[String]) -> Result {
    setup()?;
    build_spa()?;
    let mut command = cmd("cargo");
    command.args(["run", "--package", "ayuda-server", "--bin", "ayuda"]);
    if !args.iter().any(|a| a == "--debug") {
        command.arg("--release");
    }
    command.args(["--", "serve"]);
    if args.iter().any(|a| a == "--demo") {
        command.arg("--demo");
    }
    if env::var_os("AYUDA_DIST_DIR").is_none() {
        command.env("AYUDA_DIST_DIR", root().join("dist"));
    }
    step("ayuda serve", &mut command)
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// A background process stopped when dropped.
struct Background(Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for_port(port: u16, what: &str) -> Result {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("{what} did not start on port {port}"))
}

/// Starts maildev (SMTP sink with a REST API) on free ports.
fn start_maildev() -> Result<(Background, u16, u16)> {
    let smtp = free_port()?;
    let web = free_port()?;
    let child = cmd(&tools_dir()
        .join("node_modules/.bin/maildev")
        .display()
        .to_string())
    .args([
        "--ip",
        "127.0.0.1",
        "--web-ip",
        "127.0.0.1",
        "-s",
        &smtp.to_string(),
        "-w",
        &web.to_string(),
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .map_err(|e| format!("cannot start maildev: {e}"))?;
    let guard = Background(child);
    wait_for_port(smtp, "maildev SMTP")?;
    wait_for_port(web, "maildev web")?;
    Ok((guard, smtp, web))
}

/// A private Dovecot on a free port, for the email intake tests: any user name logs in with
/// the password `secret` and gets an empty mailbox of its own, so tests never share one.
fn start_dovecot() -> Result<(Background, tempfile_dir::Dir, u16)> {
    let port = free_port()?;
    let dir = tempfile_dir::Dir::new("ayuda-dovecot")?;
    let base = dir.path();
    let mail = base.join("mail");
    std::fs::create_dir_all(&mail).map_err(|e| format!("dovecot dir: {e}"))?;
    let chown = |p: &Path| {
        cmd("chown")
            .args(["-R", "dovecot:dovecot", &p.display().to_string()])
            .status()
            .map_err(|e| format!("chown: {e}"))
    };
    chown(&mail)?;
    let config = format!(
        r#"protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{mail}/%u
passdb {{
  driver = static
  args = password=secret
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"#,
        base = base.display(),
        mail = mail.display(),
    );
    let conf = base.join("dovecot.conf");
    std::fs::write(&conf, config).map_err(|e| format!("dovecot.conf: {e}"))?;
    let child = cmd("/usr/sbin/dovecot")
        .args(["-F", "-c", &conf.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start dovecot: {e}"))?;
    let guard = Background(child);
    wait_for_port(port, "Dovecot IMAP")?;
    Ok((guard, dir, port))
}

/// A temporary directory removed when dropped (world-traversable: Dovecot's user must reach
/// the mailboxes inside).
mod tempfile_dir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(prefix: &str) -> Result<Self, String> {
            let path = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(Dir(path))
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// PostgreSQL for the tests: `TEST_POSTGRES_URL` as given, or the machine's server on
/// 127.0.0.1:5432, whose cluster is started if it is down.
fn ensure_postgres() -> Result<String> {
    if let Ok(url) = env::var("TEST_POSTGRES_URL") {
        return Ok(url);
    }
    let url = "postgres://postgres@127.0.0.1:5432/postgres".to_owned();
    let ready = || {
        cmd("pg_isready")
            .args(["-h", "127.0.0.1", "-p", "5432"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready() {
        return Ok(url);
    }
    if let Some(version) = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
    {
        let version = version.file_name().to_string_lossy().into_owned();
        let _ = cmd("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &version, "main", "start"])
            .status();
        for _ in 0..50 {
            if ready() {
                return Ok(url);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    Err("PostgreSQL is not answering on 127.0.0.1:5432 and could not be started; set TEST_POSTGRES_URL".into())
}

/// The SPA's browser tests (Playwright + Debian's Chromium) against a real `ayuda serve` on
/// a fresh SQLite database, sending mail to maildev.
fn browser_tests(smtp: u16, web: u16) -> Result {
    let port = free_port()?;
    let data = tempfile_dir::Dir::new("ayuda-e2e")?;
    let base = format!("http://127.0.0.1:{port}");
    let (admin_email, admin_password) = ("admin@ayuda.test", "admin-password-e2e");
    let server = cmd(&server_binary().display().to_string())
        .arg("serve")
        .env("AYUDA_ADDR", format!("127.0.0.1:{port}"))
        .env("AYUDA_DATA_DIR", data.path())
        .env_remove("DATABASE_URL")
        .env("AYUDA_DIST_DIR", root().join("dist"))
        .env("AYUDA_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
        .env("AYUDA_ADMIN_EMAIL", admin_email)
        .env("AYUDA_ADMIN_PASSWORD", admin_password)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start ayuda: {e}"))?;
    let _server = Background(server);
    wait_for_port(port, "ayuda")?;
    step(
        "browser tests (Playwright, Chromium)",
        cmd(&tools_dir()
            .join("node_modules/.bin/playwright")
            .display()
            .to_string())
        .arg("test")
        .current_dir(tools_dir())
        .env("AYUDA_E2E_URL", &base)
        .env("MAILDEV_URL", format!("http://127.0.0.1:{web}"))
        .env("AYUDA_E2E_ADMIN_EMAIL", admin_email)
        .env("AYUDA_E2E_ADMIN_PASSWORD", admin_password)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
    )
}

/// The debug build of `ayuda`: the browser tests run it, and the crash tests kill it.
fn server_binary() -> PathBuf {
    root().join("target/debug/ayuda")
}

fn test(args: &[String]) -> Result {
    let started = Instant::now();
    setup_tests()?;
    let filter: Vec<&str> = args.iter().map(String::as_str).collect();
    step(
        "cargo fmt --check",
        cmd("cargo").args(["fmt", "--all", "--", "--check"]),
    )?;
    println!("==> the SPA's import structure");
    layers::check(&root().join("frontend/src"))?;
    step(
        "clippy (server crates)",
        cmd("cargo").args(["clippy", "--all-targets", "--", "-D", "warnings"]),
    )?;
    step(
        "clippy (SPA, wasm32)",
        cmd("cargo").args([
            "clippy",
            "-p",
            "ayuda-frontend",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    build_spa()?;

    let (_maildev, smtp, web) = start_maildev()?;
    let (_dovecot, _dovecot_dir, imap) = start_dovecot()?;
    let postgres = ensure_postgres()?;
    step(
        "build the server binary (crash and browser tests)",
        cmd("cargo").args(["build", "--package", "ayuda-server", "--bin", "ayuda"]),
    )?;
    let nextest = output_of("cargo", &["nextest", "--version"]).is_some();
    let run_tests = |label: &str, database: Option<&str>, packages: &[&str]| -> Result {
        let mut command = cmd("cargo");
        if nextest {
            command.args(["nextest", "run", "--no-fail-fast", "--test-threads", "4"]);
        } else {
            command.args(["test", "--no-fail-fast"]);
        }
        for package in packages {
            command.args(["--package", package]);
        }
        if !filter.is_empty() {
            if !nextest {
                command.arg("--");
            }
            command.args(&filter);
        }
        command
            .env("TEST_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
            .env("TEST_MAILDEV_URL", format!("http://127.0.0.1:{web}"))
            .env("TEST_IMAP_PORT", imap.to_string())
            .env("AYUDA_BIN", server_binary());
        match database {
            Some(url) => command.env("TEST_DATABASE_URL", url),
            None => command.env_remove("TEST_DATABASE_URL"),
        };
        step(label, &mut command)
    };
    // Unit tests and API tests on SQLite, then the API tests again on PostgreSQL.
    run_tests("tests on SQLite", None, &[])?;
    run_tests("API tests on PostgreSQL", Some(&postgres), &["ayuda-tests"])?;
    if filter.is_empty() {
        browser_tests(smtp, web)?;
    }
    println!(
        "==> all tests passed in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
