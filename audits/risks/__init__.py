"""The register of risks and opportunities of a commune's QMS (TCVN ISO 9001:2015, 6.1)."""
