package tally.cli;

import picocli.CommandLine.Command;

@Command(name = "estimate", description = "Price one request.")
final class EstimateCommand implements Runnable {
    public void run() { }
}
