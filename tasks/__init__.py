"""What is taught: environments, surrogate landscapes, test sets, challenges and suites."""
