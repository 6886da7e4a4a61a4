"""awesome-lora: the curated, validated and published list of LoRA research."""

__version__ = "0.1.0"
