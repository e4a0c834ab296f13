"""exercises/grader - the Harbor exercise grader (exercises/grade is its command line)."""
