package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "prices", description = "List the price catalog.")
final class PricesCommand implements Runnable {
    @ParentCommand Main main;
    public void run() { System.out.println("data=" + main.global.dataDir() + " tz=" + main.global.zone()); }
}
