"""Errors that end one run, each naming its culprit."""


class RunFailure(RuntimeError):
    """A run could not finish; ``where`` names the component and call at fault."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where


class TaskValidationError(RunFailure):
    """A teacher returned a task that is not a point of its task space."""
