"""The sections of the study's document, one module each, in document order."""
