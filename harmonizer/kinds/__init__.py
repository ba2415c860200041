"""Resource kinds: one module per kind, all registered in ``registry.KINDS``."""
