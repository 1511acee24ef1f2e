"""One module per swap-nas subcommand: add_parser(sub, add_scoring_flags) + run(args)."""
