# Executes a notebook's code cells in order in one namespace, the way Jupyter's "Run all" does, without Jupyter
# (the sandbox's Python has no nbformat or kernel). Run by core/pipeline/notebook.ts inside the sandbox:
#   python3 notebook-runner.py IN.ipynb OUT.ipynb
# Each cell's stdout and stderr become 'stream' outputs (in the order written), the value of a last bare expression
# an 'execute_result', a .png file the cell wrote or changed in the current folder a 'display_data' image, and an
# exception an 'error' output, after which no further cell runs. Execution counts go 1..n over the cells that ran.
import ast
import base64
import builtins
import json
import linecache
import os
import platform
import sys
import traceback
import types

# A cell's streams keep at most this many characters; the rest is counted, not kept.
MAX_STREAM_CHARS = 200_000
RUNNER_FILE = os.path.abspath(__file__)


class CellStream:
    """Stands in for sys.stdout / sys.stderr: copies to the real stream and records into the current cell's outputs.

    One instance per stream for the whole run, so a logging handler made in one cell writes into the cell that is
    running when it logs, as in Jupyter.
    """

    def __init__(self, name, real):
        self.name = name
        self.real = real
        self.outputs = None
        self.kept = 0
        self.dropped = 0

    def start(self, outputs):
        self.outputs = outputs
        self.kept = 0
        self.dropped = 0

    def write(self, text):
        if not isinstance(text, str):
            text = str(text)
        self.real.write(text)
        if self.outputs is None or text == '':
            return len(text)
        room = MAX_STREAM_CHARS - self.kept
        if room <= 0:
            self.dropped += len(text)
            return len(text)
        if len(text) > room:
            self.dropped += len(text) - room
            text = text[:room]
        self.kept += len(text)
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last['output_type'] == 'stream' and last['name'] == self.name:
            last['text'] += text
        else:
            self.outputs.append({'output_type': 'stream', 'name': self.name, 'text': text})
        return len(text)

    def finish(self):
        if self.dropped and self.outputs is not None:
            note = '\n[output cut: %d more characters]\n' % self.dropped
            self.outputs.append({'output_type': 'stream', 'name': self.name, 'text': note})
        self.outputs = None

    def flush(self):
        self.real.flush()

    def isatty(self):
        return False

    @property
    def encoding(self):
        return 'utf-8'

    def fileno(self):
        return self.real.fileno()


def source_text(cell):
    source = cell.get('source', '')
    return ''.join(source) if isinstance(source, list) else source


def as_lines(text):
    """Jupyter's on-disk form: lines that keep their newline."""
    return text.splitlines(True)


def png_state():
    state = {}
    for entry in os.scandir('.'):
        if entry.name.lower().endswith('.png') and entry.is_file(follow_symlinks=False):
            stat = entry.stat(follow_symlinks=False)
            state[entry.name] = (stat.st_mtime_ns, stat.st_size)
    return state


def image_output(name):
    with open(name, 'rb') as handle:
        data = base64.b64encode(handle.read()).decode('ascii')
    return {
        'output_type': 'display_data',
        'data': {'image/png': data, 'text/plain': ['<%s>' % name]},
        'metadata': {'filename': name},
    }


def error_output(error):
    """The exception with the runner's own frames left out, so the traceback starts in the cell."""
    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == RUNNER_FILE:
        tb = tb.tb_next
    lines = traceback.format_exception(type(error), error, tb)
    return {
        'output_type': 'error',
        'ename': type(error).__name__,
        'evalue': str(error),
        'traceback': [line.rstrip('\n') for line in lines],
    }


def run_cell(code, filename, namespace, count, outputs):
    """Runs one cell; returns the exception it raised, or None."""
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    tree = ast.parse(code, filename, 'exec')
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, 'exec'), namespace)
    if last is not None:
        value = eval(compile(last, filename, 'eval'), namespace)
        if value is not None:
            outputs.append(
                {
                    'output_type': 'execute_result',
                    'execution_count': count,
                    'data': {'text/plain': as_lines(repr(value))},
                    'metadata': {},
                }
            )


def write_notebook(notebook, path):
    partial = path + '.partial'
    with open(partial, 'w', encoding='utf-8') as handle:
        json.dump(notebook, handle, ensure_ascii=False, indent=1)
        handle.write('\n')
    os.replace(partial, path)


def main():
    source_path, target_path = sys.argv[1], sys.argv[2]
    with open(source_path, encoding='utf-8') as handle:
        notebook = json.load(handle)
    notebook.setdefault('metadata', {}).setdefault('language_info', {})['version'] = platform.python_version()
    for cell in notebook['cells']:
        if cell.get('cell_type') == 'code':
            cell['execution_count'] = None
            cell['outputs'] = []

    # The cells see a plain program name, not the runner's arguments (argparse with defaults still works).
    sys.argv = [sys.argv[0]]
    # The cells run in a module of their own registered as __main__, as in Jupyter, so what they define can be
    # pickled by reference (multiprocessing, joblib) and found again in a child process.
    main_module = types.ModuleType('__main__')
    main_module.__dict__['__builtins__'] = builtins
    sys.modules['__main__'] = main_module
    namespace = main_module.__dict__
    stdout = CellStream('stdout', sys.stdout)
    stderr = CellStream('stderr', sys.stderr)
    sys.stdout, sys.stderr = stdout, stderr
    count = 0
    try:
        for cell in notebook['cells']:
            if cell.get('cell_type') != 'code':
                continue
            count += 1
            outputs = []
            cell['execution_count'] = count
            cell['outputs'] = outputs
            stdout.start(outputs)
            stderr.start(outputs)
            before = png_state()
            raised = None
            stop = False
            try:
                run_cell(source_text(cell), '<cell %d>' % count, namespace, count, outputs)
            except SystemExit as error:
                # sys.exit(0) ends the notebook quietly, as it ends the script; any other code is an error.
                stop = True
                if error.code not in (None, 0):
                    raised = error
            except BaseException as error:
                raised = error
            try:
                sys.stdout.flush()
            except Exception:
                pass
            stdout.finish()
            stderr.finish()
            after = png_state()
            for name in sorted(after):
                if before.get(name) != after[name]:
                    outputs.append(image_output(name))
            if raised is not None:
                outputs.append(error_output(raised))
                stop = True
            for output in outputs:
                if output['output_type'] == 'stream':
                    output['text'] = as_lines(output['text'])
            if stop:
                break
    finally:
        sys.stdout, sys.stderr = stdout.real, stderr.real
    write_notebook(notebook, target_path)


if __name__ == '__main__':
    main()
