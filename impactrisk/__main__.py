from impactrisk.cli import main

main()
