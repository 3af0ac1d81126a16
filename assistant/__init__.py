"""policyqa: answers about Chinese policy documents, cited to section and item."""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`from assistant import PolicyRetriever`, without loading the search stack on `import assistant`."""
    if name == "PolicyRetriever":
        from assistant.retrieve import PolicyRetriever

        return PolicyRetriever
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
