"""exomir-kg: the claims of the review 'Exosomal microRNAs in hepatocellular carcinoma' as a knowledge graph."""

__version__ = "0.1.0"
