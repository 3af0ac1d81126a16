"""policyqa: answers about Chinese policy documents, cited to section and item."""

__version__ = "0.1.0"
