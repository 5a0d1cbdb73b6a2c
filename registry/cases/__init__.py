"""Cases (案件): one reviewable record per pass that raised findings, confirmed or dismissed once."""
