"""The surrogate tier: numpy learners over landscapes whose ground truth is known."""
