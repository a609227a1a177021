//! The `ayuda` binary: `serve`, `migrate`, `admin create`, `openapi`, `demo`.

use anyhow::Context;
use ayuda_server::{Application, Settings, accounts, demo, openapi, startup, telemetry};
use clap::{Parser, Subcommand};

/// Ayuda, a self-hosted customer-support desk. Configured by environment variables
/// (see the README) or an AYUDA_CONFIG file.
#[derive(Parser)]
#[command(name = "ayuda", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, the web app and the background workers (the default).
    Serve {
        /// Load the demo data first (demo accounts; see `ayuda demo`).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage admins.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI document (or write it to a file).
    Openapi {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Load demo data: accounts for every role, tickets in every state, forum articles.
    Demo,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin with a password (or make an existing user an admin).
    Create {
        /// Email address.
        #[arg(long)]
        email: String,
        /// Password.
        #[arg(long)]
        password: String,
        /// Display name.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    if let Command::Openapi { output } = &command {
        let json = openapi::document_json()?;
        return match output {
            Some(path) => {
                std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
            }
            None => {
                print!("{json}");
                Ok(())
            }
        };
    }
    let settings = Settings::load()?;
    telemetry::init_logs(settings.log_format == ayuda_server::config::LogFormat::Json);
    match command {
        Command::Serve { demo } => {
            let app = Application::build(settings).await?;
            if demo {
                println!("{}", demo::load(app.state()).await?);
            }
            app.run_until_stopped().await
        }
        Command::Migrate => {
            startup::open_database(&settings).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    password,
                    name,
                },
        } => {
            let state = startup::build_state(settings).await?;
            let user = accounts::ensure_admin(&state, &email, &password, &name).await?;
            println!("admin {} (id {}) is ready", user.email, user.id);
            Ok(())
        }
        Command::Demo => {
            let state = startup::build_state(settings).await?;
            println!("{}", demo::load(&state).await?);
            Ok(())
        }
        Command::Openapi { .. } => Ok(()),
    }
}
