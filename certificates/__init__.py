"""Certificate documents: canonical content, signing and verification, QR, PDF. Plain Python."""
