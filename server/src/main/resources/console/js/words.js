// Plain-language words for the vocabulary of ARCHITECTURE.md §2 and the error codes of the API:
// the console never shows a bare code without a sentence beside it.

export const SETTINGS = {
  'recording.cloud': {
    label: 'Cloud recording',
    help: 'Hosts can record meetings to the cloud.',
    sensitive: true,
  },
  'recording.local': {
    label: 'Local recording',
    help: 'Hosts and participants can record to their own computer.',
    sensitive: true,
  },
  'livestream.enabled': {
    label: 'Livestreaming',
    help: 'Hosts can stream meetings to an outside audience.',
    sensitive: true,
  },
  'transcription.enabled': {
    label: 'Transcription',
    help: 'Cloud recordings get a written transcript.',
    sensitive: true,
  },
  'ai_companion.enabled': {
    label: 'AI Companion',
    help: 'The AI assistant may be used in meetings. Each AI feature below needs it.',
    sensitive: true,
  },
  'ai_companion.meeting_summary': {
    label: 'AI meeting summary',
    help: 'AI writes a summary of what was said.',
    sensitive: true,
  },
  'ai_companion.meeting_questions': {
    label: 'AI meeting questions',
    help: 'Participants can ask the AI about the meeting so far.',
    sensitive: true,
  },
  'ai_companion.smart_recording': {
    label: 'AI smart recording',
    help: 'AI adds chapters and highlights to cloud recordings.',
    sensitive: true,
  },
  'diagnostics.optional': {
    label: 'Optional diagnostics',
    help: 'Extra diagnostic data that helps the platform fix problems.',
    sensitive: false,
  },
  'notice.require_agreement': {
    label: 'Require agreement to notices',
    help: 'Participants stay muted until they accept the recording and AI notices.',
    sensitive: false,
  },
};

export function settingLabel(key) {
  return (SETTINGS[key] && SETTINGS[key].label) || key;
}

export const CONSENTS = {
  ai_training: {
    label: 'AI training',
    help: 'Your content may be used to train the platform\'s AI models.',
    purpose: 'ai.training',
    use: 'training AI models',
  },
  product_improvement: {
    label: 'Product improvement',
    help: 'Your content may be used to improve the platform\'s products.',
    purpose: 'product.improvement',
    use: 'improving the platform\'s products',
  },
};

export function consentLabel(id) {
  return (CONSENTS[id] && CONSENTS[id].label) || id;
}

export const CONSENT_STATUS = {
  in_force: 'Given',
  withdrawn: 'Withdrawn',
  missing: 'Never given',
};

export const PURPOSES = {
  'service.provide': 'Running the meeting or chat itself',
  'service.recording': 'Cloud recording',
  'service.livestream': 'Livestreaming',
  'service.transcription': 'Transcription',
  'service.ai_feature.meeting_summary': 'AI meeting summary',
  'service.ai_feature.meeting_questions': 'AI meeting questions',
  'service.ai_feature.smart_recording': 'AI smart recording',
  'safety.abuse_scanning': 'Scanning for spam, fraud and abuse',
  'legal.compliance': 'Meeting legal obligations',
  'product.improvement': 'Improving the platform\'s products',
  'ai.training': 'Training AI models',
  'analytics.load_balancing': 'Balancing load between data centres',
  marketing: 'Marketing',
};

/** Short purpose names for chart axes and legends, where space is scarce. */
export const PURPOSES_SHORT = {
  'service.provide': 'Provide service',
  'service.recording': 'Recording',
  'service.livestream': 'Livestream',
  'service.transcription': 'Transcription',
  'service.ai_feature.meeting_summary': 'AI summary',
  'service.ai_feature.meeting_questions': 'AI questions',
  'service.ai_feature.smart_recording': 'AI smart rec.',
  'safety.abuse_scanning': 'Abuse scanning',
  'legal.compliance': 'Legal',
  'product.improvement': 'Product improvement',
  'ai.training': 'AI training',
  'analytics.load_balancing': 'Load balancing',
  marketing: 'Marketing',
};

export function purposeShort(id) {
  return PURPOSES_SHORT[id] || id;
}

export function purposeLabel(id) {
  return PURPOSES[id] || id;
}

export const BASIS = {
  ownership: 'the platform\'s ownership of the data it generates',
  license: 'the licence you grant in the terms',
  consent: 'your consent',
  legal: 'a legal obligation',
};

export function basisLabel(id) {
  return BASIS[id] || id || 'none';
}

export const BASIS_SHORT = {
  ownership: 'Platform-owned data',
  license: 'Licence in the terms',
  consent: 'Your consent',
  legal: 'Legal obligation',
};

export const ROLES = {
  owner: 'Owner',
  admin: 'Admin',
  group_admin: 'Group admin',
  member: 'Member',
  operator: 'Platform operator',
};

export const NOTICES = {
  recording: {
    title: 'This meeting is being recorded',
    text: 'What you say and show, and the chat, are recorded. The host\'s account keeps the '
      + 'recording and may share it.',
  },
  transcription: {
    title: 'A transcript is being made',
    text: 'What you say is turned into text that the host\'s account keeps.',
  },
  livestream: {
    title: 'This meeting is being livestreamed',
    text: 'People outside the meeting can watch and hear it live.',
  },
  ai_companion: {
    title: 'AI Companion is on',
    text: 'AI features (such as meeting summaries) process what is said in this meeting for '
      + 'the host\'s account. They are not used to train AI models without consent.',
  },
};

/** Short names of the notices (ARCHITECTURE.md §6). */
export const NOTICE_NAMES = {
  recording: 'Recording',
  transcription: 'Transcription',
  livestream: 'Livestream',
  ai_companion: 'AI Companion',
};

export const FEATURES = {
  'recording.cloud': 'Cloud recording',
  'recording.local': 'Local recording',
  'livestream.enabled': 'Livestream',
  'transcription.enabled': 'Transcription',
  'ai_companion.meeting_summary': 'AI meeting summary',
  'ai_companion.meeting_questions': 'AI meeting questions',
  'ai_companion.smart_recording': 'AI smart recording',
};

export const REASONS = {
  forbidden: 'The terms forbid this use',
  no_permitting_clause: 'Nothing in the terms permits this use',
  consent_missing: 'Consent was never given',
  consent_withdrawn: 'Consent was withdrawn',
  consent_not_at_capture: 'Consent was not in force when the content was captured',
  contributor_consent_missing: 'Another contributor did not consent',
  setting_disabled: 'The setting for this feature is off',
  parent_disabled: 'A setting this feature needs is off',
  feature_not_active: 'The feature was not on in the meeting',
  notice_not_acknowledged: 'Participants had not accepted the notice',
  no_terms_accepted: 'No terms were accepted',
  captured_under_other_terms: 'The content was captured under earlier terms',
  unknown_content: 'Unknown content',
  store_unavailable: 'The ledger was unreachable (failed closed)',
  content_deleted: 'The content was deleted',
  retention_expired: 'The content is older than the retention in force',
  region_not_allowed: 'The region is not allowed for this content',
};

export function reasonLabel(code) {
  return REASONS[code] || code;
}

const LEVEL_WORDS = {
  account: 'account',
  group: 'group',
  user: 'user',
  default: 'default',
  parent: 'parent',
};

/**
 * A sentence for a refused or failed request. `context` may name the setting (`setting`), the
 * level holding the lock (`lockedAt`), the caller's role (`role`) and what was attempted
 * (`action`).
 */
export function refusal(err, context) {
  const ctx = context || {};
  const what = ctx.setting ? settingLabel(ctx.setting) : 'This setting';
  switch (err.code) {
    case 'setting_locked':
      if (ctx.lockedAt === 'group' && ctx.group) {
        return 'Refused: ' + what + ' is locked by group ' + ctx.group + ', so it cannot be '
          + 'changed for its members. ' + (ctx.canUnlock ? 'You can unlock it in the Group '
          + 'column, then change it.' : 'An owner, an admin or a group admin of ' + ctx.group
          + ' can unlock it.');
      }
      return 'Refused: ' + what + ' is locked at the '
        + (LEVEL_WORDS[ctx.lockedAt] || 'account') + ' level, so it cannot be changed for a '
        + 'group or a user. ' + (ctx.canUnlock ? 'You can unlock it in the Account column, '
        + 'then change it.' : 'An owner or admin can unlock it.');
    case 'setting_ceiling':
      return 'Refused: ' + what + ' is turned off at a higher level. A lower level can only '
        + 'keep it off, never turn it back on.';
    case 'not_authorized':
      return 'Refused: your role' + (ctx.role ? ' (' + (ROLES[ctx.role] || ctx.role) + ')' : '')
        + ' may not ' + (ctx.action || 'make this change') + '.';
    case 'role_escalation':
      return 'Refused: a token acts as its person, and nobody issues one for a person whose '
        + 'role is above their own.';
    case 'feature_disabled':
      return 'Refused: the feature is turned off in the host\'s settings.';
    case 'unauthenticated':
      return 'This token is not valid. Sign in again with a current token.';
    case 'token_expired':
      return 'This token has expired. Ask an owner or admin for a new one.';
    case 'store_unavailable':
      return 'The governance ledger cannot be reached right now, so nothing was changed. '
        + 'Try again in a moment.';
    case 'meeting_ended':
      return 'This meeting has ended.';
    case 'unknown_participant':
      return 'You are not in this meeting any more. Join again to continue.';
    case 'out_of_order':
      return 'Refused: the change is dated before the latest recorded change. Check this '
        + 'device\'s clock and try again.';
    case 'duplicate_id':
      return 'Refused: that name is already in use.';
    case 'not_found':
    case 'unknown_account':
    case 'unknown_meeting':
    case 'unknown_user':
    case 'unknown_group':
      return 'Not found, or not visible with this token.';
    case 'invalid_input':
      return 'The request was not valid' + (err.field ? ' (' + err.field + ')' : '') + ': '
        + err.detail;
    case 'network_error':
      return 'The Covenant server could not be reached. Check the connection and try again.';
    case 'internal_error':
      return 'The server failed while handling this. Nothing was changed; the failure is '
        + 'logged for the operator.';
    default:
      return 'Refused (' + err.code + '): ' + (err.detail || 'no detail given') + '.';
  }
}

/** A plain sentence for a terms condition (`{kind: argument}`), as in the clause it guards. */
export function conditionWords(kind, arg) {
  switch (kind) {
    case 'setting':
      return 'the setting "' + settingLabel(arg) + '" is on';
    case 'meeting_feature':
      return '"' + (FEATURES[arg] || arg) + '" was on in the meeting';
    case 'consent':
      return 'you have given "' + consentLabel(arg) + '" consent';
    case 'consent_at_capture':
      return 'you had given "' + consentLabel(arg) + '" consent when the content was captured, '
        + 'and still have';
    case 'all_contributors_consent':
      return 'every account that contributed to the content gave "' + consentLabel(arg)
        + '" consent, before capture and still';
    case 'notice_acknowledged':
      return 'participants accepted the "' + (NOTICE_NAMES[arg] || arg) + '" notice';
    default:
      return kind + ' ' + arg;
  }
}

/** A plain phrase for a list of category patterns. */
export function categoryWords(categories) {
  const parts = categories.map((c) => {
    if (c === '*') {
      return 'all data';
    }
    if (c === 'customer_content.*') {
      return 'all your content';
    }
    if (c === 'service_generated.*') {
      return 'service data (telemetry, diagnostics, usage)';
    }
    if (c === 'aggregated.*') {
      return 'aggregated statistics';
    }
    const m = /^customer_content\.\{?(.*?)\}?$/.exec(c);
    if (m) {
      return 'your ' + m[1].split(',').map((x) => x.trim().replace('_', ' ')).join(', ');
    }
    return c;
  });
  return parts.length < 2 ? parts.join('')
    : parts.slice(0, -1).join(', ') + ' and ' + parts[parts.length - 1];
}

/** Whether a purpose pattern from a clause covers a purpose id. */
export function purposeMatches(pattern, purpose) {
  if (pattern === '*' || pattern === purpose) {
    return true;
  }
  if (pattern.endsWith('.*')) {
    return purpose.startsWith(pattern.slice(0, -1));
  }
  return false;
}
