"""The public portal (政策 四(四)): what the platform publishes, readable without an account."""
