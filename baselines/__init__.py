"""Reference algorithms, registered through entry points exactly like a submission."""
