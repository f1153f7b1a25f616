from spinscope.cli.main import run

run()
