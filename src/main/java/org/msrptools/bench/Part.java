package org.msrptools.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** One part of the bench: what it was asked, where its files go, where its figures go. */
abstract class Part {

    static final long MIB = 1024 * 1024;
    static final long GIB = 1024 * MIB;

    final BenchCommand options;
    final Report report;
    final Path work;

    Part(BenchCommand options, Report report, Path work) {
        this.options = options;
        this.report = report;
        this.work = work;
    }

    abstract void run() throws Exception;

    /** The best rate of several runs: the one least disturbed by whatever else the machine did. */
    static <T> double best(List<T> runs, ToDoubleFunction<T> rate) {
        return runs.stream().mapToDouble(rate).max().orElseThrow();
    }

    static <T> List<Proc.Cpu> cpus(List<T> runs, Function<T, Proc.Cpu> cpu) {
        return runs.stream().map(cpu).toList();
    }
}
