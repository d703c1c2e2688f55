module archway.dev/bench/openloop

go 1.21
