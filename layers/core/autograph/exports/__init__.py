"""Exports: export jobs (API and worker), document formats, the uploads inbox, batch ZIPs and
the Kroki-compatible API. Rendering itself is autograph.render."""
