// Reading Python out of model answers, as coders really write them.
import { describe, expect, it } from 'vitest';
import { LinguacodusError } from '../../core/errors.ts';
import { extractPython, fencedBlocks, looksLikePython, unclosedFence } from '../../core/llm/code-blocks.ts';

describe('extractPython', () => {
  it('takes the ```python block out of prose', () => {
    const answer =
      "Here is the preprocessing code:\n\n```python\nimport pandas as pd\ntrain = pd.read_csv('train.csv')\n```\n\nThis loads the data.";
    expect(extractPython(answer)).toBe("import pandas as pd\ntrain = pd.read_csv('train.csv')\n");
  });

  it('takes a bare ``` block that holds Python', () => {
    expect(extractPython('```\nx = 1\nprint(x)\n```')).toBe('x = 1\nprint(x)\n');
  });

  it('joins several python blocks that are parts of one script, in order', () => {
    const answer = [
      'First the imports:',
      '```python\nimport pandas as pd\nimport numpy as np\n```',
      'Then the data:',
      "```py\ntrain = pd.read_csv('train.csv')\ntest = pd.read_csv('test.csv')\n```",
      'And the features:',
      "```python\nX = train.drop(columns=['y'])\ny = train['y']\n```",
    ].join('\n');
    expect(extractPython(answer)).toBe(
      "import pandas as pd\nimport numpy as np\n\ntrain = pd.read_csv('train.csv')\ntest = pd.read_csv('test.csv')\n\nX = train.drop(columns=['y'])\ny = train['y']\n",
    );
  });

  it('picks the full script when the other blocks are a small usage note or a shell command', () => {
    const script = [
      'import pandas as pd',
      'from sklearn.linear_model import Ridge',
      "train = pd.read_csv('train.csv')",
      "test = pd.read_csv('test.csv')",
      "model = Ridge().fit(train[['a']], train['y'])",
      "pd.DataFrame({'id': test['id'], 'y': model.predict(test[['a']])}).to_csv('submission.csv', index=False)",
    ].join('\n');
    const answer = `\`\`\`bash\npip install scikit-learn\n\`\`\`\n\n\`\`\`python\n${script}\n\`\`\`\n\nYou can check it with:\n\`\`\`python\nprint(model)\n\`\`\``;
    expect(extractPython(answer)).toBe(`${script}\n`);
  });

  it('keeps the code of a cut-off answer whose fence never closes', () => {
    expect(extractPython('```python\nimport os\nx = os.getcwd()\n')).toBe('import os\nx = os.getcwd()\n');
  });

  it('takes bare code without fences, dropping a leading and a closing sentence', () => {
    const answer =
      'Here is the fixed script:\nimport pandas as pd\ndf = pd.read_csv("train.csv")\nprint(df.shape)\nThis should work now.';
    expect(extractPython(answer)).toBe(
      'import pandas as pd\ndf = pd.read_csv("train.csv")\nprint(df.shape)\n',
    );
  });

  it('keeps indentation inside blocks', () => {
    const code = 'def f(x):\n    if x:\n        return 1\n    return 0';
    expect(extractPython(`\`\`\`python\n${code}\n\`\`\``)).toBe(`${code}\n`);
  });

  it('fails with llm_bad_output when the answer holds no code', () => {
    for (const answer of ['I am sorry, I cannot help with that.', '```text\nsome output\n```', '']) {
      try {
        extractPython(answer);
        throw new Error('expected a failure');
      } catch (error) {
        expect(error).toBeInstanceOf(LinguacodusError);
        expect((error as LinguacodusError).code).toBe('llm_bad_output');
      }
    }
  });
});

describe('fencedBlocks and looksLikePython', () => {
  it('reads fence languages, tilde fences and longer fences', () => {
    const blocks = fencedBlocks('~~~python\na = 1\n~~~\n````\nb = 2\n```\nstill b\n````');
    expect(blocks).toEqual([
      { lang: 'python', code: 'a = 1', closed: true },
      { lang: '', code: 'b = 2\n```\nstill b', closed: true },
    ]);
  });

  it('marks a block whose fence is never closed: the answer stopped inside it', () => {
    expect(fencedBlocks('Here:\n```python\nx = (1,\n')).toEqual([
      { lang: 'python', code: 'x = (1,', closed: false },
    ]);
    expect(unclosedFence('Here:\n```python\nx = (1,\n')).toBe(true);
    expect(unclosedFence('```python\nx = 1\n```')).toBe(false);
    expect(unclosedFence('The code:\n```python')).toBe(true);
    expect(unclosedFence('No code at all.')).toBe(false);
  });

  it('tells code from prose', () => {
    expect(looksLikePython('import numpy as np\nx = np.zeros(3)')).toBe(true);
    expect(looksLikePython('Load the data. Then train a model.')).toBe(false);
  });
});
