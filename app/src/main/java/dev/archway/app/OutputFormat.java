package dev.archway.app;

/** How a command prints resources. */
enum OutputFormat {
  yaml,
  json
}
