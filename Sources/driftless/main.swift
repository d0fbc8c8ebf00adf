import DriftlessCLI

await DriftlessCommand.main()
