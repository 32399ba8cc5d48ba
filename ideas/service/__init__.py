"""Running the app as a service: health checks for the proxy, one JSON log line per request."""
