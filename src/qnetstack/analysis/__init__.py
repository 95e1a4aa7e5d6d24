"""Analysis: statistics, plots and diagrams built from results and traces."""
