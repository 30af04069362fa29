"""The escaped-HTML report builders."""
