"""Heavy trucks' remote emission monitoring (远程排放监控, GB 17691-2018 Annex Q, HJ 1239-2021): the terminal
protocol (`protocol`, pure), what is kept of each truck's terminal, and its frames."""
