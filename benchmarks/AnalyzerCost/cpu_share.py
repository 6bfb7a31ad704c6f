"""CPU samples per analyzer package (outermost analyzer frame of each stack), per AsyncGuard rule, and the AsyncGuard
frames that call out to Roslyn most (what the rules make the compiler do). Input: `perf script -F ip,sym`."""
import collections
import re
import sys

PACKAGES = r'\[(AsyncGuard\.Analyzers|AsyncFixer|Meziantou\.Analyzer|Microsoft\.VisualStudio\.Threading\.Analyzers)\]'


def method(frame):
    frame = re.sub(r'\[(QuickJitted|InstrumentedTier|OptimizedTier1|Optimized|OptimizedTier1OSR|Tier0|Tier1)[^\]]*\]', '', frame)
    frame = re.sub(r'(class|valuetype) \[[^\]]*\]', '', frame)
    found = re.search(r'([\w.+<>`|]+::[\w<>`|.]+)\(', frame)
    return found.group(1) if found else frame.strip()[:80]


def stacks(path):
    current = []
    for line in open(path, errors='replace'):
        if not line.strip():
            if current:
                yield current
            current = []
            continue
        parts = line.strip().split(' ', 1)
        current.append(parts[1] if len(parts) > 1 else '')
    if current:
        yield current


packages, rules, calls = collections.Counter(), collections.Counter(), collections.Counter()
total = 0
for stack in stacks(sys.argv[1]):
    total += 1
    for frame in reversed(stack):
        package = re.search(PACKAGES, frame)
        if package:
            packages[package.group(1)] += 1
            rule = re.search(r'AsyncGuard\.Analyzers\.Rules\.(\w+)', frame)
            if rule:
                rules[rule.group(1)] += 1
            break
    inner = next((i for i, f in enumerate(stack) if '[AsyncGuard.Analyzers]' in f), None)
    if inner:
        calls[(method(stack[inner]), method(stack[inner - 1]))] += 1

print('samples', total)
for name, count in packages.most_common():
    print(f'{name:45} {count:6}')
guard, fixer = packages['AsyncGuard.Analyzers'], packages['AsyncFixer']
if fixer:
    print(f'AsyncGuard / AsyncFixer, CPU samples: {guard / fixer:.2f}')
for name, count in rules.most_common():
    print(f'  {name:50} {count:6} {100.0 * count / max(guard, 1):4.0f} %')
print('AsyncGuard frames calling out most:')
for (caller, callee), count in calls.most_common(12):
    print(f'  {count:6}  {caller} -> {callee}')
