//! The textual shapes the rules look for inside calls, strings and
//! assignments, across the languages and frameworks rampart reviews.

use regex::Regex;
use std::sync::LazyLock;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a review pattern compiles")
}

macro_rules! pattern {
    ($(#[$doc:meta])* $name:ident = $re:expr) => {
        $(#[$doc])*
        pub static $name: LazyLock<Regex> = LazyLock::new(|| re($re));
    };
}

pattern!(
    /// A unit that logs a user in (or signs one up and in): its name, route or decorators.
    LOGIN_CONTEXT = r"(?i)log_?in|sign_?in|log_?on|authenticat|register|sign_?up"
);
pattern!(
    /// Words that mention login without being a login: guards, loaders, forms.
    NOT_LOGIN = r"(?i)login_?required|login_?manager|user_?loader|is_?authenticated|login_?url|login_?page|loginform|login_?view_?class"
);
pattern!(
    /// A unit that changes a user's password or privileges.
    PRIVILEGE_CONTEXT = r"(?i)(change|reset|update|set)_?password|password_?(change|reset|update)|(change|set|update)_?role|promote|elevate|sudo|(grant|make)_?admin"
);
pattern!(
    /// The write of a password or a role.
    PRIVILEGE_WRITE = r"(?i)password_?hash|set_?password|\.password\s*$|\brole\b|is_?admin|is_?staff|is_?superuser|permissions"
);
pattern!(
    /// A unit that logs a user out.
    LOGOUT_CONTEXT = r"(?i)log_?out|sign_?out|log_?off"
);
pattern!(
    /// The user stored on the session: `session['user_id'] =`, `req.session.userId =`, `$_SESSION['user'] =` …
    IDENTITY_TARGET = r#"(?i)session(?:\.values)?(?:\[|\.|->)\s*["']?\w*?(?:user|uid|account|member|principal|logged|auth|customer)|(?-i:session\[\s*(?:[\w.]*\.)?SESSION_KEY\s*\])"#
);
pattern!(
    /// Calls that put the user on the session.
    IDENTITY_CALL = r#"(?i)\blogin_user\s*\(|\bsession\.(?:set_?attribute|put|insert|set)\s*\(\s*(?:[^,()]+,\s*)?["']?\w*?(?:user|uid|account|principal|logged|auth)|\.put\s*\([^,]+,\s*["']\w*?(?:user|uid|account)"#
);
pattern!(
    /// Django's `login(request, user)`, which also cycles the session key.
    DJANGO_LOGIN = r"(?:^|[^\w.]|auth\.)(?:auth_)?login\s*\(\s*request\b"
);
pattern!(
    /// Passport's `req.login(user, …)`, which regenerates the session (passport 0.6 and later).
    PASSPORT_LOGIN = r"\breq\.log[iI]n\s*\("
);
pattern!(
    /// Calls that give the session a new id, or end the old one before a new one starts.
    ROTATION = r"(?i)\.regenerate\s*\(|cycle_key\s*\(|session\.(?:flush|clear|invalidate|destroy)\s*\(|\.invalidate\s*\(\s*\)|changesessionid\s*\(|session_regenerate_id\s*\(\s*true|renewtoken\s*\(|cycle_id\s*\(|session\.renew\s*\(|\bstore\.new\s*\(|sessions\.newsession\s*\("
);
pattern!(
    /// Cryptographically strong token generators.
    STRONG_RANDOM = r"(?i)secrets\.(?:token_|choice)|token_urlsafe|token_hex|token_bytes|uuid\.?uuid4|\buuid4\s*\(|uuid\.new(?:random|string)?\s*\(|randomuuid|randombytes|random_bytes|securerandom|gen_random_uuid|osrng|rand::random|crypto\.getrandomvalues|\bnanoid\s*\(|rand\.read\s*\(|get_random_string"
);
pattern!(
    /// Weak generators: predictable when used for a token.
    WEAK_RANDOM = r"(?i)\brandom\.(?:random|randint|choice|choices|getrandbits|randrange|sample)\s*\(|\buuid\.?uuid1\s*\(|\buuid1\s*\(|\bmath\.random\s*\(|\bdate\.now\s*\(|\btime\.time\s*\(|\bmt_rand\s*\(|\brand\s*\(\s*\)|\buniqid\s*\(|\bnew\s+random\s*\(|time\.now\(\)\.unix(?:nano)?\s*\("
);
pattern!(
    /// Go's math/rand generators (weak only where math/rand is the `rand` imported).
    GO_MATH_RAND = r"\brand\.(?:Intn?|Int63n?|Int31n?|Uint32|Uint64|Float64)\s*\("
);
pattern!(
    /// A variable that holds a session id or token.
    TOKEN_NAME = r"(?i)(?:token|session_?id|sessionid|\bsid\b|sess_?id|session_?key|nonce)"
);
pattern!(
    /// Names of values that are times or lifetimes, not tokens.
    TIME_NAME = r"(?i)expir|ttl|time|date|age|created|updated|_at\b"
);
pattern!(
    /// A session id by name.
    SID_NAME = r"(?i)session[-_]?id|session[-_]?key|session[-_]?token|\bsid\b|sess[-_]?id|jsessionid|phpsessid"
);
pattern!(
    /// A value read from the request.
    REQUEST_SOURCE = r"(?i)\brequest\.(?:args|form|json|values|headers|cookies|query_params|path_params|get_json|data|get|post|cookies|meta|body|query)\b|\breq\.(?:body|query|params|headers|cookies|get\s*\()|\bctx\.(?:query|request|params|cookies|get\s*\()|\br\.(?:URL|Form|PostForm|Header|Cookie\s*\()|formvalue\s*\(|postformvalue\s*\(|\$_(?:GET|POST|REQUEST|COOKIE|SERVER)|getparameter\s*\(|getheader\s*\(|getcookies\s*\(|\bc\.(?:Query|PostForm|Param|GetHeader|Cookie)\s*\("
);
pattern!(
    /// A value read from the URL's query string.
    QUERY_SOURCE = r"(?i)request\.(?:args|query_params|GET)\b|\breq\.query\b|\bctx\.query\b|\br\.URL\.Query|\$_GET|getparameter\s*\(|\bc\.Query\s*\("
);
pattern!(
    /// Calls that set a cookie.
    COOKIE_SET = r"(?i)set_cookie\s*\(|\.cookie\s*\(|\bsetcookie\s*\(|setcookie\s*\(|addcookie\s*\(|\bnew\s+cookie\s*\(|http\.cookie\s*\{|\bcookies\.set\s*\("
);
pattern!(
    /// SQL or document writes that create a session record.
    SESSION_CREATE = r#"(?is)\b(?:insert|upsert)\s+into\s+\w*sess|\b\w*session\w*\s*\([^)]*\b(?:sid|session_?id)\s*=[^)]*\bnew\s*=\s*true|\b\w*session\w*\s*\([^)]*\bnew\s*=\s*true[^)]*\b(?:sid|session_?id)\s*=|collection\s*\(\s*["']\w*sess\w*["']\s*\)\s*\.\s*doc(?:ument)?\s*\([^)]*\)\s*\.\s*(?:set|create)\s*\(|\bsession_id\s*\(\s*\$"#
);
pattern!(
    /// Lookups of a session by its id.
    SESSION_LOOKUP = r#"(?is)\bselect\b.+\bfrom\s+\w*sess|collection\s*\(\s*["']\w*sess\w*["']\s*\)\s*\.\s*doc(?:ument)?\s*\(|\.doc(?:ument)?\s*\([^)]*\)\s*\.\s*get\s*\(|\bsession_id\s*\(\s*\$|(?:get|load|find|fetch)_?session\s*\(|\bstore\.get\s*\("#
);
pattern!(
    /// SQL that binds the user to the existing session row instead of a new one.
    IN_PLACE_UPDATE = r"(?is)\bupdate\s+\w*sess\w*\s+set\s+[^;]*?\b\w*user\w*\s*=[^;]*?\bwhere\b[^;]*?\b(?:token|session_?id|sid|session_?key|id)\b"
);
pattern!(
    /// An upsert on the session token that sets the user: the user bound to whatever row the token names.
    UPSERT_USER = r"(?is)\binsert\s+into\s+\w*sess\w*[^;]*?\bon\s+(?:conflict\b[^;]*?\bdo\s+update|duplicate\s+key\s+update)\b[^;]*?\buser\w*\s*="
);
pattern!(
    /// An upsert keyed by the session token: the old row lives on.
    UPSERT = r"(?is)\binsert\s+into\s+\w*sess\w*[^;]*?\bon\s+conflict\b[^;]*?\bdo\s+update|\binsert\s+into\s+\w*sess\w*[^;]*?\bon\s+duplicate\s+key\s+update|\bupsert\s+into\s+\w*sess"
);
pattern!(
    /// A Firestore session document written under an id the code already had.
    FIRESTORE_WRITE = r#"(?is)collection\s*\(\s*["']\w*sess\w*["']\s*\)\s*\.\s*doc(?:ument)?\s*\([^)]+\)\s*\.\s*(?:set|update)\s*\("#
);
pattern!(
    /// A `SELECT … FROM sessions … WHERE <token column>`; group 1 is the table.
    SESSION_SELECT = r"(?is)\bselect\b.+?\bfrom\s+(\w*sess\w*)\b.*?\bwhere\b.*?\b(?:token|session_?id|sid|session_?key)\b"
);
pattern!(
    /// Words that show an expiry condition.
    EXPIRY = r"(?i)expir|valid_?until|\bttl\b|deadline|now\s*\(|current_timestamp|last_?seen|idle"
);
pattern!(
    /// A session table declared or filled with an expiry column; group 1 is the table.
    EXPIRY_COLUMN = r"(?is)\b(?:create\s+table(?:\s+if\s+not\s+exists)?|insert\s+into)\s+(\w*sess\w*)\s*\([^;]*?(?:expir|valid_?until|ttl)"
);
pattern!(
    /// The cookie is deleted or expired.
    COOKIE_CLEAR = r"(?i)delete_cookie|clearcookie|clear_cookie|remove_cookie|cookies\.(?:delete|remove)\s*\(|max_?age\s*[=:]\s*(?:0|-1)\b|expires\s*[=:]\s*0\b|setmaxage\s*\(\s*0|time\(\)\s*-"
);
pattern!(
    /// The session ends on the server.
    SERVER_END = r"(?i)session\.(?:clear|flush|destroy|invalidate|delete|pop|remove)|\blogout\s*\(|logout_user|session_destroy|session_unset|\.destroy\s*\(|\.invalidate\s*\(|delete\s+from\s+\w*sess|\.delete\s*\(|revoke|\bdestroy\s*\(|remove_?session|delete_?session|expire_?session|end_?session|\.flush\s*\("
);
pattern!(
    /// A cookie name that is a session or auth cookie.
    SESSION_COOKIE_NAME = r"(?i)sess|sid|token|auth|jwt|login|remember"
);
pattern!(
    /// URL session tracking switched on.
    URL_TRACKING = r#"(?i)setsessiontrackingmodes\s*\([^;]*sessiontrackingmode\.url\b|ini_set\s*\(\s*["']session\.use_trans_sid["']\s*,\s*(?:["']?1["']?|true|["']on["'])|ini_set\s*\(\s*["']session\.use_only_cookies["']\s*,\s*(?:["']?0["']?|false|["']off["'])"#
);
pattern!(
    /// PHP's `ini_set('session.cookie_*', off)`; group 1 is the attribute.
    PHP_INI_COOKIE = r#"(?i)ini_set\s*\(\s*["']session\.cookie_(httponly|secure|samesite)["']\s*,\s*(?:["']?0["']?|false|["']off["']|["']none["']|["']["'])\s*\)"#
);

/// The unit's context says login, and not only a guard or a form that mentions it.
pub fn is_login(context: &str) -> bool {
    LOGIN_CONTEXT.is_match(&NOT_LOGIN.replace_all(context, " ")) && !LOGOUT_CONTEXT.is_match(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_what_they_name_and_not_their_neighbours() {
        for yes in [
            "session['user_id']",
            "req.session.userId",
            "$_SESSION['user']",
            "session.Values[\"user_id\"]",
        ] {
            assert!(IDENTITY_TARGET.is_match(yes), "{yes}");
        }
        assert!(
            IDENTITY_TARGET.is_match("request.session[SESSION_KEY]")
                && !IDENTITY_TARGET.is_match("session[session_key]")
        );
        assert!(IDENTITY_CALL.is_match("session.setAttribute(USER_ATTR, username)"));
        for no in ["session['next']", "session_user", "self.user"] {
            assert!(!IDENTITY_TARGET.is_match(no), "{no}");
        }
        assert!(DJANGO_LOGIN.is_match("login(request, user)") && DJANGO_LOGIN.is_match("auth.login(request, u)"));
        assert!(is_login("login_view") && is_login("@app.post('/signin')") && !is_login("@login_required profile"));
        assert!(!is_login("logout"));
        assert!(WEAK_RANDOM.is_match("str(random.random())") && !WEAK_RANDOM.is_match("secrets.token_hex(16)"));
        assert!(!WEAK_RANDOM.is_match("new SecureRandom()"));
        assert!(IN_PLACE_UPDATE.is_match("UPDATE sessions SET user_id=$1, updated_at=now() WHERE token=$2"));
        assert!(!IN_PLACE_UPDATE.is_match("UPDATE users SET password_hash=$1 WHERE id=$2"));
    }
}
