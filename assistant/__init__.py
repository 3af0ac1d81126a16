"""policyqa: answers about Chinese policy documents, cited to section and item."""

import warnings

__version__ = "0.1.0"

# jieba imports pkg_resources when setuptools has it (setuptools<81, which milvus-lite needs):
# the deprecation warning would land on every CLI error line.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)


def __getattr__(name: str) -> object:
    """`from assistant import PolicyRetriever`, without loading the search stack on `import assistant`."""
    if name == "PolicyRetriever":
        from assistant.retrieve import PolicyRetriever

        return PolicyRetriever
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
