"""Reading and parsing: files -> text -> frame -> numbered clauses and tables -> chunks."""
